"""Reads across the programme ledgers: returns, summaries, a household's loans."""

import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import BenefitLink, Loan

TEN_THOUSAND = Decimal("10000")


def RELIEF_RETURN_COLUMNS() -> list[str]:
    return [
        _("No."), _("Township"), _("Project"), _("Place of construction"), _("Implementing unit"),
        _("Year of the plan"), _("Investment (10,000 yuan)"), _("Labour remuneration (10,000 yuan)"),
        _("Remuneration share (%)"), _("Start date"), _("Completion date"), _("Workers in all"),
        _("Of whom relocated people"), _("Share of relocated people (%)"), _("Days worked by relocated people"),
        _("Wages paid to relocated people (10,000 yuan)"), _("Wages per relocated worker (yuan)"), _("Status"),
    ]  # fmt: skip


def _wan(value) -> Decimal:
    return (Decimal(value or 0) / TEN_THOUSAND).quantize(Decimal("0.01"))


def relief_return_row(project, number: int) -> list:
    """One project's line of the return; ``project`` comes annotated from the relief ledger's queryset."""
    figures = project.workers.aggregate(
        days=Sum("days_worked"), wages=Sum("wages_paid"), people=Count("member", distinct=True)
    )
    people = figures["people"] or 0
    wages = figures["wages"] or Decimal("0")
    share = (Decimal(people) / project.total_workers * 100).quantize(Decimal("0.1")) if project.total_workers else ""
    return [
        number,
        project.township.name,
        project.name,
        project.settlement.name if project.settlement_id else project.township.name,
        project.owner_unit,
        project.year,
        _wan(project.investment),
        _wan(project.labour_remuneration),
        project.remuneration_share or "",
        project.start_date,
        project.end_date,
        project.total_workers,
        people,
        share,
        figures["days"] or 0,
        _wan(wages),
        (wages / people).quantize(Decimal("0.01")) if people else "",
        project.get_status_display(),
    ]


def benefit_summary(queryset) -> list[dict]:
    """Per township, site and kind: households linked, area and yearly income; then a total per township."""
    today = timezone.localdate()
    current = queryset.exclude(end_date__lt=today)
    grouped = (
        current.values("household__township__name", "household__township__code", "household__settlement__name", "kind")
        .annotate(households=Count("household", distinct=True), area=Sum("area_mu"), income=Sum("yearly_income"))
        .order_by("household__township__code", "household__settlement__name", "kind")
    )
    labels = dict(BenefitLink.Kind.choices)
    rows = []
    totals: dict[str, dict] = {}
    for g in grouped:
        township = g["household__township__name"]
        rows.append(
            {
                "township": township,
                "site": g["household__settlement__name"] or _("Dispersed placement"),
                "kind": str(labels.get(g["kind"], g["kind"])),
                "households": g["households"],
                "area": g["area"] or Decimal("0"),
                "income": g["income"] or Decimal("0"),
                "total": False,
            }
        )
        t = totals.setdefault(township, {"area": Decimal("0"), "income": Decimal("0")})
        t["area"] += g["area"] or 0
        t["income"] += g["income"] or 0
    per_township = dict(current.values_list("household__township__name").annotate(n=Count("household", distinct=True)))
    result = []
    for township in dict.fromkeys(r["township"] for r in rows):
        result += [r for r in rows if r["township"] == township]
        result.append(
            {
                "township": township,
                "site": _("All sites of the township"),
                "kind": _("All kinds"),
                "households": per_township.get(township, 0),
                "area": totals[township]["area"],
                "income": totals[township]["income"],
                "total": True,
            }
        )
    return result


def active_loans(household, on: datetime.date | None = None):
    """The household's loans not yet repaid (being repaid, renewed or extended), soonest due first."""
    return (
        Loan.objects.filter(household=household, status__in=Loan.OPEN_STATUSES)
        .select_related("member")
        .order_by("due_date")
    )


def measures_continuing_after_elimination(household, on: datetime.date | None = None) -> list[dict]:
    """What keeps going for the household after its risk is eliminated: each open loan to the end of its contract.

    For the monitoring procedure's elimination step (policy practice: microcredit continues to the end
    of its contract). Each item: kind, label, until (the due date), and the loan's id.
    """
    on = on or timezone.localdate()
    return [
        {
            "kind": "microcredit" if loan.kind == Loan.Kind.MICROCREDIT else "startup_loan",
            "label": f"{loan.get_kind_display()} · {loan.bank} · {loan.amount}",
            "until": loan.due_date,
            "loan_id": loan.pk,
        }
        for loan in active_loans(household).filter(due_date__gte=on)
    ]
