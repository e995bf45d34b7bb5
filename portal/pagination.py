from django.core.paginator import Paginator

PER_PAGE = 25


def paginate(request, queryset, per_page: int = PER_PAGE):
    """The requested page of ``queryset``; an out-of-range or malformed page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
