from django import template

from relocation.idnumbers import mask_id_number, mask_phone

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination and sorting links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def masked_id(value):
    return mask_id_number(value or "")


@register.filter
def masked_phone(value):
    return mask_phone(value or "")


@register.filter
def yesno_zh(value):
    from django.utils.translation import gettext

    return gettext("Yes") if value else gettext("No")


@register.simple_tag
def page_numbers(page_obj) -> list:
    """The page numbers a pager shows: the first and last, three each side of the current page, and
    ``paginator.ELLIPSIS`` for each gap (a list of a million households has 40,000 pages; looping
    over all of them in the template took most of the page's time)."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=3, on_ends=1))
