"""Exports of the household, member and ledger lists: what the list shows, in the user's scope, masked."""

from django.contrib.auth.decorators import login_required, permission_required
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from relocation.idnumbers import mask_id_number, mask_phone
from relocation.models import Household, Member
from relocation.views import scoped_household_list

from .export import export_filename, xlsx_response

CHUNK = 2000


def _describe(request, term: str) -> str:
    """The filters of an export for the access log; a search term is logged only as present."""
    params = request.GET.copy()
    params.pop("s", None)
    params.pop("page", None)
    text = params.urlencode()
    return f"{text} search=yes" if term else text


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


@login_required
@permission_required("relocation.view_household", raise_exception=True)
@require_GET
def export_households(request):
    _filterset, term, households = scoped_household_list(request)
    show = request.user.can_see_personal_data()
    types, placements, statuses = (
        _labels(Household.Type.choices),
        _labels(Household.Placement.choices),
        _labels(Household.Status.choices),
    )
    resettlements, kinds = _labels(Household.Resettlement.choices), _labels(Household.ResettlementKind.choices)
    rows_qs = (
        households.order_by("code")
        .values_list(
            "code", "head_name", "household_type", "township__name", "village__name", "settlement__name",
            "resettlement", "resettlement_kind", "placement", "address", "phone", "origin_township", "origin_village",
            "relocation_year", "housing_area", "certificate_issued", "certificate_date", "minimum_living_allowance",
            "extreme_poverty_support", "status",
        )
        .iterator(chunk_size=CHUNK)
    )  # fmt: skip

    def rows():
        for r in rows_qs:
            r = list(r)
            r[2], r[6], r[7] = types.get(r[2], r[2]), resettlements.get(r[6], r[6]), kinds.get(r[7], r[7])
            r[8], r[19] = placements.get(r[8], r[8]), statuses.get(r[19], r[19])
            if not show:
                r[10] = mask_phone(r[10])
            yield r

    columns = [
        _("Household code"), _("Head of household"), _("Household type"), _("Township"), _("Village or community"),
        _("Settlement site"), _("Resettlement form"), _("Resettlement sub-kind"), _("Housing type"), _("Address"),
        _("Contact phone"), _("Origin township"), _("Origin village"), _("Relocation year"), _("Housing area (m²)"),
        _("Real-estate certificate issued"), _("Certificate date"), _("Minimum living allowance (低保)"),
        _("Extreme-poverty support (特困)"), _("Monitoring status"),
    ]  # fmt: skip
    return xlsx_response(
        request=request,
        filename=export_filename(_("Relocated households")),
        title=_("Relocated households of Guangfeng District"),
        subtitle=_subtitle(request),
        columns=columns,
        rows=rows(),
        object_type="relocation.household",
        detail=_describe(request, term),
    )


def _subtitle(request) -> str:
    from django.utils import timezone

    return _("Exported by %(user)s on %(date)s") % {
        "user": request.user.display_name,
        "date": f"{timezone.localdate():%Y-%m-%d}",
    }


@login_required
@permission_required("relocation.view_member", raise_exception=True)
@require_GET
def export_members(request):
    """Members of the households the household list shows with the same filters."""
    _filterset, term, households = scoped_household_list(request)
    show = request.user.can_see_personal_data()
    relations, labour, health, schooling, employment = (
        _labels(Member.Relation.choices),
        _labels(Member.Labour.choices),
        _labels(Member.Health.choices),
        _labels(Member.Schooling.choices),
        _labels(Member.Employment.choices),
    )
    members = (
        Member.objects.for_user(request.user)
        .filter(household__in=households.values("pk"))
        .order_by("household__code", "pk")
        .values_list(
            "household__code", "name", "id_number", "sex", "birth_date", "relation", "labour_capacity",
            "willing_to_work", "health", "disability_grade", "schooling", "in_school", "employment", "employer",
            "phone",
        )
        .iterator(chunk_size=CHUNK)
    )  # fmt: skip
    sexes = _labels(Member.Sex.choices)

    def rows():
        for r in members:
            r = list(r)
            if not show:
                r[2], r[14] = mask_id_number(r[2]), mask_phone(r[14])
            r[3], r[5], r[6] = sexes.get(r[3], r[3]), relations.get(r[5], r[5]), labour.get(r[6], r[6])
            r[8], r[10], r[12] = health.get(r[8], r[8]), schooling.get(r[10], r[10]), employment.get(r[12], r[12])
            yield r

    columns = [
        _("Household code"), pgettext("person", "Name"), _("ID number"),
        _("Sex"), _("Birth date"), _("Relation to head"),
        _("Labour capacity"), _("Willing to work"), _("Health"), _("Disability grade"), _("Schooling"),
        _("Currently in school"), _("Employment"), _("Employer or workplace"), _("Phone"),
    ]  # fmt: skip
    return xlsx_response(
        request=request,
        filename=export_filename(_("Household members")),
        title=_("Members of relocated households"),
        subtitle=_subtitle(request),
        columns=columns,
        rows=rows(),
        object_type="relocation.member",
        detail=_describe(request, term),
    )


@login_required
@permission_required("monitoring.view_ledgerentry", raise_exception=True)
@require_GET
def export_ledgers(request):
    """Ledger entries in the user's scope, narrowed by ?month=YYYY-MM, ?township= and the household filters."""
    from monitoring.models import LedgerEntry

    from . import cells

    _filterset, term, households = scoped_household_list(request)
    entries = LedgerEntry.objects.for_user(request.user).filter(household__in=households.values("pk"))
    month = request.GET.get("month", "")
    subtitle = _subtitle(request)
    if month:
        try:
            period = cells.parse_month(month)
        except cells.CellError:
            period = None
        if period:
            entries = entries.filter(period=period)
            subtitle = f"{period:%Y年%-m月} · {subtitle}"
    integration = _labels(LedgerEntry.Integration.choices)
    qs = (
        entries.order_by("household__code", "period")
        .values_list(
            "household__code", "household__head_name", "household__township__name", "period", "household_size",
            "wage_income", "business_income", "property_income", "transfer_income", "production_cost",
            "medical_expense", "schooling_expense", "employed_members", "community_integration", "notes",
        )
        .iterator(chunk_size=CHUNK)
    )  # fmt: skip

    def rows():
        for r in qs:
            r = list(r)
            r[3] = f"{r[3]:%Y-%m}"
            r[13] = integration.get(r[13], r[13])
            yield r

    columns = [
        _("Household code"), _("Head of household"), _("Township"), _("Month"), _("Household size"),
        _("Wage income"), _("Production and business income"), _("Property income"), _("Transfer income"),
        _("Production and business costs"), _("Medical expense"), _("Schooling expense"), _("Employed members"),
        _("Community integration"),
        _("Notes"),
    ]  # fmt: skip
    return xlsx_response(
        request=request,
        filename=export_filename(_("Monitoring ledgers")),
        title=_("Monitoring ledgers of relocated households"),
        subtitle=subtitle,
        columns=columns,
        rows=rows(),
        object_type="monitoring.ledgerentry",
        detail=_describe(request, term),
    )
