import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.forms import single_places
from accounts.scope import scope_of
from settlements.models import Settlement, Township

from .idnumbers import clean_text
from .models import Household, Member


def search_households(queryset, term: str):
    """Households whose code, head, phone, or a member's name, ID number or phone matches ``term``."""
    term = clean_text(term).upper()
    if not term:
        return queryset
    member_q = Q(name__icontains=term)
    household_q = Q(code__icontains=term) | Q(head_name__icontains=term)
    if term.isdigit() or (term[:-1].isdigit() and term.endswith("X")):
        # Digits are an ID number (whole or its last digits) or a phone number.
        member_q |= Q(id_number=term) if len(term) == 18 else Q(id_number__endswith=term) | Q(phone__contains=term)
        household_q |= Q(phone__contains=term)
    members = Member.objects.filter(member_q, household=OuterRef("pk"))
    return queryset.filter(household_q | Exists(members))


class HouseholdFilter(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), queryset=Township.objects.none(), empty_label=_("All")
    )
    settlement = django_filters.ModelChoiceFilter(
        label=_("Settlement site"), queryset=Settlement.objects.none(), empty_label=_("All")
    )
    household_type = django_filters.ChoiceFilter(
        label=_("Household type"), choices=Household.Type.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Monitoring status"), choices=Household.Status.choices, empty_label=_("All")
    )
    resettlement = django_filters.ChoiceFilter(
        label=_("Resettlement form"), choices=Household.Resettlement.choices, empty_label=_("All")
    )
    placement = django_filters.ChoiceFilter(
        label=_("Housing type"), choices=Household.Placement.choices, empty_label=_("All")
    )

    class Meta:
        model = Household
        fields = ["township", "settlement", "household_type", "status", "resettlement", "placement"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        settlements = Settlement.objects.for_user(user)
        self.filters["settlement"].queryset = settlements
        scope = scope_of(user)
        if scope.department_id and not scope.everything:
            # Bureau staff see households through their department's measures, wherever they live.
            townships = Township.objects.filter(
                Q(pk__in=self.queryset.values("township")) | Q(settlements__in=settlements)
            ).distinct()
        else:
            # Everyone else: the townships of their scope, without reading their households (a
            # township of 200,000 households took 160 ms to list that way).
            townships = Township.objects.for_user(user)
        self.filters["township"].queryset = townships
        # A user of one township (or one site) sees it chosen, not "全部" above a single option.
        for name in single_places(user):
            self.filters[name].extra["empty_label"] = None
        for f in self.form.fields.values():
            f.widget.attrs["class"] = "form-select form-select-sm"
