"""Sections of the household page: ledger over time (table and chart), visits, alerts and cases."""

import json

from django.utils.translation import gettext as _

from portal.panels import Panel

from .models import Alert, Assessment, LedgerEntry, MonitoringCase, Thresholds, Visit
from .selectors import with_visit_due


def household_panels(request, household) -> list[Panel]:
    user = request.user
    panels = []
    if user.has_perm("monitoring.view_ledgerentry"):
        entries = list(LedgerEntry.objects.filter(household=household).order_by("-period")[:24])
        thresholds = Thresholds.for_date()
        for e in entries:
            e.thresholds = thresholds
        chronological = entries[::-1]
        chart = {
            "months": [f"{e.period:%Y-%m}" for e in chronological],
            "per_capita": [float(e.per_capita_annualized or 0) for e in chronological],
            "expense": [float(e.rigid_expense) for e in chronological],
            "warning_line": float(thresholds.warning_line) if thresholds else None,
            "labels": {
                "per_capita": _("Per-capita net income (annualised)"),
                "expense": _("Rigid expense"),
                "line": _("Warning line"),
            },
        }
        panels.append(
            Panel(
                _("Monitoring ledger"),
                "monitoring/panels/ledger.html",
                {"entries": entries, "chart_json": json.dumps(chart, ensure_ascii=False)},
                order=30,
            )
        )
    if user.has_perm("monitoring.view_annualincome"):
        panels.append(_income_panel(household))
    if user.has_perm("monitoring.view_visit"):
        visits = list(
            Visit.objects.filter(household=household)
            .prefetch_related("visitors", "photos")
            .order_by("-visited_on", "-pk")[:10]
        )
        due = with_visit_due(type(household).objects.filter(pk=household.pk)).values_list("visit_due_on", flat=True)
        panels.append(
            Panel(_("Return visits"), "monitoring/panels/visits.html", {"visits": visits, "due": due.first()}, order=31)
        )
    if user.has_perm("monitoring.view_assessment"):
        assessments = list(
            Assessment.objects.filter(household=household)
            .select_related("assessed_by")
            .prefetch_related("members__member")
            .order_by("-assessed_on", "-pk")[:5]
        )
        panels.append(
            Panel(
                _("两不愁三保障 and drinking water"),
                "monitoring/panels/assessments.html",
                {"assessments": assessments},
                order=31,
            )
        )
    if user.has_perm("monitoring.view_alert"):
        alerts = list(Alert.objects.filter(household=household).order_by("-created_at")[:20])
        cases = list(MonitoringCase.objects.filter(household=household).order_by("-identified_at"))
        panels.append(
            Panel(
                _("Alerts and monitoring cases"),
                "monitoring/panels/alerts.html",
                {"alerts": alerts, "cases": cases},
                order=32,
            )
        )
    return panels


def _income_panel(household) -> Panel:
    """The income the portal counts for the household (net, the source it came from) or "not known",
    and its annual income accountings."""
    from dashboards.models import HouseholdFigures

    from . import income
    from .models import AnnualIncome

    thresholds = Thresholds.for_date()
    figures = HouseholdFigures.objects.filter(household=household).first()
    records = list(AnnualIncome.objects.filter(household=household).order_by("-year")[:10])
    for r in records:
        r.per_capita_net = income.per_capita(r, thresholds, months=12)
    return Panel(
        _("Income"),
        "monitoring/panels/income.html",
        {
            "figures": figures,
            "records": records,
            "thresholds": thresholds,
            "needed": thresholds.min_ledger_months if thresholds else 6,
        },
        order=29,
    )
