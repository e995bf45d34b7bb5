"""Pages of the income the portal counts: annual income accounting (年度收入核算) and households whose
income is not known. Net income itself is counted in ``monitoring/income.py``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.scope import get_for_user_or_404
from exchange.export import export_filename, xlsx_response
from portal.pagination import paginate
from portal.params import int_param
from relocation.models import Household
from settlements.models import Township

from . import income, services
from .forms import AnnualIncomeForm
from .models import AnnualIncome, Thresholds
from .views import _errors_to_form, _wants_export


def _search(request, qs, prefix=""):
    term = (request.GET.get("q") or "").strip()[:50]
    if term:
        qs = qs.filter(Q(**{f"{prefix}code__icontains": term}) | Q(**{f"{prefix}head_name__icontains": term}))
    township = int_param(request, "township")
    if township:
        qs = qs.filter(**{f"{prefix}township_id": township})
    return qs, term, township


@login_required
@permission_required("monitoring.view_annualincome", raise_exception=True)
@require_GET
def annual_income_list(request):
    """Every annual income accounting in the user's area, with its per-capita net income."""
    records = AnnualIncome.objects.for_user(request.user).select_related("household", "household__township")
    records, term, township = _search(request, records, "household__")
    year = int_param(request, "year")
    if year:
        records = records.filter(year=year)
    records = records.order_by("-year", "household__code")
    thresholds = Thresholds.for_date()
    if _wants_export(request):
        rows = (
            (
                r.household.code, r.household.head_name, r.household.township.name, r.year, r.household_size,
                r.wage_income, r.business_income, r.property_income, r.transfer_income, r.production_cost,
                r.medical_expense, r.schooling_expense, income.net(r, thresholds),
                income.per_capita(r, thresholds, months=12), r.get_source_display(),
            )
            for r in records.iterator(chunk_size=2000)
        )  # fmt: skip
        return xlsx_response(
            request=request,
            filename=export_filename("年度收入核算"),
            title=_("Annual income accounting"),
            columns=[
                _("Household code"), _("Head of household"), _("Township"), _("Year"), _("Household size"),
                _("Wage income"), _("Production and business income"), _("Property income"), _("Transfer income"),
                _("Production and business costs"), _("Medical expense"), _("Schooling expense"), _("Net income"),
                _("Per-capita net income"), _("Source"),
            ],
            rows=rows,
            object_type="monitoring.annualincome",
            subtitle=str(timezone.localdate()),
        )  # fmt: skip
    page = paginate(request, records)
    for r in page.object_list:
        r.per_capita_net = income.per_capita(r, thresholds, months=12)
    return render(
        request,
        "monitoring/annual_income_list.html",
        {
            "page_obj": page,
            "records": page.object_list,
            "q": term,
            "township": township,
            "year": year,
            "townships": Township.objects.for_user(request.user),
            "thresholds": thresholds,
        },
    )


@login_required
@permission_required("monitoring.add_annualincome", raise_exception=True)
@require_http_methods(["GET", "POST"])
def annual_income_edit(request, household_pk):
    """Enter or correct a household's accounting of a year (the year's record is updated if it exists)."""
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    year = int_param(request, "year")
    existing = AnnualIncome.objects.filter(household=household, year=year).first() if year else None
    initial = {"year": timezone.localdate().year - 1, "household_size": household.members.count() or None}
    form = AnnualIncomeForm(request.POST or None, instance=existing, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = dict(form.cleaned_data)
        try:
            services.annual_income_save(
                household=household,
                year=c.pop("year"),
                household_size=c.pop("household_size"),
                notes=c.pop("notes"),
                actor=request.user,
                **c,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("The annual income accounting has been saved."))
            return redirect("relocation:household_detail", household_pk=household.pk)
    return render(request, "monitoring/annual_income_form.html", {"form": form, "household": household})


@login_required
@permission_required("monitoring.view_ledgerentry", raise_exception=True)
@require_GET
def income_unknown(request):
    """Households whose income is not known: no annual accounting that counts, and fewer months of
    ledger in the last twelve than the thresholds require. They are never annualised from a month."""
    from dashboards.summary import income_since

    thresholds = Thresholds.for_date()
    needed = thresholds.min_ledger_months if thresholds else 6
    households = (
        Household.objects.for_user(request.user)
        .filter(figures__income_since=income_since(), figures__per_capita_income__isnull=True)
        .select_related("township", "settlement", "figures")
        .order_by("figures__income_months", "code")
    )
    households, term, township = _search(request, households)
    if _wants_export(request):
        rows = (
            (h.code, h.head_name, h.township.name, h.settlement.name if h.settlement else "", h.figures.income_months)
            for h in households.iterator(chunk_size=2000)
        )
        return xlsx_response(
            request=request,
            filename=export_filename("收入不详农户"),
            title=_("Income not known"),
            columns=[
                _("Household code"),
                _("Head of household"),
                _("Township"),
                _("Settlement site"),
                _("Months of ledger in the last 12"),
            ],
            rows=rows,
            object_type="relocation.household",
            subtitle=str(timezone.localdate()),
        )
    page = paginate(request, households)
    return render(
        request,
        "monitoring/income_unknown.html",
        {
            "page_obj": page,
            "households": page.object_list,
            "q": term,
            "township": township,
            "townships": Township.objects.for_user(request.user),
            "needed": needed,
        },
    )
