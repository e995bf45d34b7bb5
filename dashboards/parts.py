"""Figures contributed by other apps' models, each shown only once its models exist.

The apps are built in parallel; a part whose models are missing is skipped, so the dashboard works
whatever has landed. Each part issues a fixed number of aggregate queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.db.models import Count, ExpressionWrapper, F, FloatField, Max, Q, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.scope import scope_of
from portal.months import window_start

from .selectors import Card, Chart, percent, url_or_none


def models_exist(*labels: str) -> bool:
    """Whether every ``app_label.ModelName`` is installed."""
    for label in labels:
        try:
            apps.get_model(label)
        except LookupError:
            return False
    return True


@dataclass(frozen=True)
class Part:
    """A group of figures from one app: ``build`` appends cards and charts for the page."""

    name: str
    models: tuple[str, ...]
    build: Callable

    def available(self) -> bool:
        return models_exist(*self.models)


# Lists that filter on township and on site: their links work from every page.
EVERY_LEVEL = ("district", "township", "settlement")


def link(user, perm: str, focus, name: str, params: dict | None = None, *, places: tuple[str, ...] = ("district",)):
    """A drill-down link, only where the target list can show exactly the counted rows.

    ``places`` names the page levels at which the list's own filters select the same rows as the
    figure: a list with no place filter matches only the district page (the user's whole scope).
    """
    if focus.level not in places or not user.has_perm(perm):
        return None
    params = dict(params or {})
    if focus.level == "settlement":
        params["settlement"] = focus.settlement.pk
    elif focus.level == "township":
        params["township"] = focus.township.pk
    return url_or_none(name, params)


def thresholds_for(today):
    """The monitoring thresholds in force on ``today`` (None without them or the monitoring app)."""
    if not models_exist("monitoring.Thresholds"):
        return None
    from monitoring.models import Thresholds

    return Thresholds.for_date(today)


def of_households(qs, households):
    """Rows of ``qs`` (with a ``household`` key) belonging to the page's households.

    A page of the whole district counts every row: the filter, a semi-join with a million
    households, is left out when the households are not narrowed at all.
    """
    if not households.query.where:
        return qs
    return qs.filter(household__in=households.values("pk"))


def monitoring_part(*, user, focus, households, rows, cards, charts) -> None:
    """Alerts, identifications, monitoring objects, return visits and ledger income."""
    from monitoring.models import Alert, LedgerEntry, MonitoringCase, RiskType

    from .models import LedgerMonthFigures
    from .selectors import figures_scope

    now = timezone.now()
    today = timezone.localdate()
    thresholds = thresholds_for(today)
    verify_days = thresholds.verification_days if thresholds else 3

    # Open alerts by age, and how many are past the verification deadline: one query.
    alerts = of_households(Alert.objects.filter(status=Alert.Status.OPEN), households)
    bounds = [(0, verify_days), (verify_days, 7), (7, 15), (15, 30), (30, None)]
    bounds = [(lo, hi) for lo, hi in bounds if hi is None or hi > lo]
    counts = {"total": Count("pk"), "overdue": Count("pk", filter=Q(created_at__lt=now - timedelta(days=verify_days)))}
    for i, (lo, hi) in enumerate(bounds):
        q = Q(created_at__lte=now - timedelta(days=lo))
        if hi is not None:
            q &= Q(created_at__gt=now - timedelta(days=hi))
        counts[f"age{i}"] = Count("pk", filter=q)
    # By rule in the same statement: one query fewer than a GROUP BY of its own.
    for value in Alert.Rule.values:
        counts[f"rule_{value}"] = Count("pk", filter=Q(rule=value))
    ages = alerts.aggregate(**counts)
    cards.append(
        Card(
            "open_alerts",
            _("Alerts awaiting verification"),
            ages["total"],
            pgettext("unit", "alerts"),
            link(user, "monitoring.view_alert", focus, "monitoring:alert_list", {"status": "open"}, places=EVERY_LEVEL),
        )
    )  # fmt: skip
    cards.append(
        Card(
            "identification_overdue",
            _("Verifications overdue"),
            ages["overdue"],
            pgettext("unit", "alerts"),
            hint=_("Alerts not verified within %(days)s days of being raised.") % {"days": verify_days},
            alarm=ages["overdue"] > 0,
        )
    )
    chart = Chart("alert_age", _("Open alerts by age"), "bar", [_("Days since raised"), _("Open alerts")])
    for i, (lo, hi) in enumerate(bounds):
        label = _("%(lo)s–%(hi)s days") % {"lo": lo, "hi": hi} if hi else _("over %(lo)s days") % {"lo": lo}
        chart.add([label, ages[f"age{i}"]])
    charts.append(chart)

    chart = Chart("alert_rules", _("Open alerts by rule"), "bar", [_("Rule"), _("Open alerts")], horizontal=True)
    for value, label in Alert.Rule.choices:
        url = link(user, "monitoring.view_alert", focus, "monitoring:alert_list", {"status": "open", "rule": value},
                   places=EVERY_LEVEL)  # fmt: skip
        chart.add([label, ages[f"rule_{value}"]], url, {1: url})
    charts.append(chart)

    # Open monitoring cases by object type and by risk type: one query. Risk types are a JSON list;
    # matching the quoted value in its text works the same on PostgreSQL and SQLite.
    cases = of_households(MonitoringCase.objects.filter(status__in=MonitoringCase.OPEN_STATUSES), households)
    case_counts = {"total": Count("pk")}
    for value in MonitoringCase.ObjectType.values:
        case_counts[f"type_{value}"] = Count("pk", filter=Q(object_type=value))
    for value in RiskType.values:
        case_counts[f"risk_{value}"] = Count("pk", filter=Q(risk_text__contains=f'"{value}"'))
    found = cases.annotate(risk_text=Cast("risk_types", TextField())).aggregate(**case_counts)
    cards.append(
        Card(
            "open_cases",
            _("Open monitoring cases"),
            found["total"],
            pgettext("unit", "households"),
            link(
                user,
                "monitoring.view_monitoringcase",
                focus,
                "monitoring:case_list",
                {"status": "open"},
                places=EVERY_LEVEL,
            ),
        )
    )
    chart = Chart("case_types", _("Monitoring objects by type"), "pie", [_("Object type"), _("Open cases")])
    for value, label in MonitoringCase.ObjectType.choices:
        chart.add([label, found[f"type_{value}"]])
    charts.append(chart)
    chart = Chart(
        "risk_types",
        _("Monitoring objects by risk type"),
        "bar",
        [_("Risk type"), _("Open cases")],
        horizontal=True,
        note=_("A household with several risks is counted under each of them."),
    )
    for value, label in RiskType.choices:
        chart.add([label, found[f"risk_{value}"]])
    charts.append(chart)

    # Return visits: households whose next visit is not yet overdue, as the visit list reckons it
    # (the latest visit's planned next visit; the registration day for a household never visited).
    total = sum(r["n"] for r in rows)
    overdue = sum(r["overdue"] for r in rows)
    cards.append(
        Card(
            "visits_on_time",
            _("Visits within their interval"),
            percent(total - overdue, total),
            "%",
            hint=_("%(overdue)s of %(total)s households are overdue for a return visit.")
            % {"overdue": overdue, "total": total},
            alarm=overdue > 0,
        )
    )

    # Per-capita income: the monthly trend over a year (the ledgers' monthly sums per place), and
    # where households stand against the line (each household's twelve months, in its figures row).
    start = window_start(today)
    months = figures_scope(LedgerMonthFigures.objects.all(), user, focus)
    trend = (
        months.filter(period__gte=start)
        .order_by("period")
        .values("period")
        .annotate(income=Sum("income"), people=Sum("people"), n=Sum("entries"))
    )
    chart = Chart(
        "income_trend",
        _("Per-capita monthly income"),
        "line",
        [_("Month"), _("Per-capita income (yuan a month)"), _("Ledgers recorded")],
        note=_(
            "Net income (income of all sources less the costs the year's rules deduct) over the household size,"
            " in the monthly ledgers of the last twelve months."
        ),
    )
    for row in trend:
        if not row["n"]:
            continue  # every entry of the month was deleted: as if it had none
        per_capita = round(float(row["income"]) / row["people"], 1) if row["people"] else None
        chart.add([row["period"].strftime("%Y-%m"), per_capita, row["n"]])
    charts.append(chart)

    if thresholds is not None:
        if rows and "below" not in rows[0]:
            # The month has just turned and the figures rows still hold last month's window (until
            # tonight's rebuild): count the bands from the ledgers, slowly but right.
            bands = income_bands_from_ledgers(of_households(LedgerEntry.objects.filter(period__gte=start), households),
                                              thresholds)  # fmt: skip
        else:
            bands = {key: sum(r[key] for r in rows) for key in ("below", "warning", "above")}
        chart = Chart(
            "income_bands",
            _("Households by per-capita income"),
            "bar",
            [_("Annual per-capita income"), _("Households")],
            note=_("Over the ledgers of the last twelve months, against the %(year)s monitoring line of %(line)s yuan.")
            % {"year": thresholds.year, "line": thresholds.income_line},
        )
        chart.add([_("Below the monitoring line"), bands["below"]])
        chart.add([_("Between the line and the warning line"), bands["warning"]])
        chart.add([_("Above the warning line"), bands["above"]])
        charts.append(chart)


def income_bands_from_ledgers(ledgers, thresholds) -> dict:
    """Households by annualised per-capita net income over ``ledgers``, counted from the ledger rows
    (households with fewer months than the thresholds require are not known and not counted; the
    annual accountings count in the figures rows, which this stands in for until tonight's rebuild)."""
    from monitoring import income

    line = float(thresholds.income_line)
    warning = float(thresholds.warning_line)
    yearly = (
        ledgers.order_by()
        .values("household")
        .annotate(total=Sum(income.expression(thresholds)), size=Max("household_size"), months=Count("pk"))
        .filter(months__gte=thresholds.min_ledger_months)
        .annotate(per_capita=ExpressionWrapper(F("total") * 12 / (F("size") * F("months")), output_field=FloatField()))
    )
    return yearly.aggregate(
        below=Count("household", filter=Q(per_capita__lt=line)),
        warning=Count("household", filter=Q(per_capita__gte=line, per_capita__lt=warning)),
        above=Count("household", filter=Q(per_capita__gte=warning)),
    )


def assistance_part(*, user, focus, households, cards, charts, **_counted) -> None:
    """Assistance measures by type and status; departments' and townships' progress reports on the policy tasks."""
    from assistance.models import Measure, MeasureType

    rows = (
        of_households(Measure.objects.all(), households)
        .order_by()
        .values_list("measure_type", "status")
        .annotate(n=Count("pk"))
    )
    table: dict[str, dict[str, int]] = {}
    for measure_type, status, n in rows:
        table.setdefault(measure_type, {})[status] = n
    statuses = Measure.Status.choices
    chart = Chart(
        "measures",
        _("Assistance measures by type and status"),
        "stacked",
        [_("Measure type"), *[label for _value, label in statuses]],
        series=list(range(1, len(statuses) + 1)),
        horizontal=True,
    )
    for value, label in MeasureType.choices:
        counts = [table.get(value, {}).get(s, 0) for s, _label in statuses]
        url = link(user, "assistance.view_measure", focus, "assistance:measure_list", {"type": value})
        cells = {
            i + 1: link(user, "assistance.view_measure", focus, "assistance:measure_list", {"type": value, "status": s})
            for i, (s, _label) in enumerate(statuses)
        }
        chart.add([label, *counts], url, cells)
    charts.append(chart)
    open_measures = sum(
        n for per in table.values() for s, n in per.items() if s in (Measure.Status.PLANNED, Measure.Status.IN_PROGRESS)
    )
    cards.append(Card("open_measures", _("Measures under way"), open_measures, _("measures")))

    if focus.level == "district" and scope_of(user).everything:
        from assistance import selectors as assistance_selectors

        # Departments' and townships' assignments alike (责任单位); the words are the assistance app's.
        progress = assistance_selectors.task_progress()
        reported = sum(1 for r in progress if r["report"] is not None)
        late = sum(1 for r in progress if r["late"])
        chart = Chart(
            "tasks",
            str(assistance_selectors.PROGRESS_CHART_TITLE),
            "pie",
            [_("Reporting"), str(assistance_selectors.PROGRESS_CHART_COLUMN)],
            note=str(assistance_selectors.PROGRESS_CHART_NOTE),
        )
        # The task list shows every task with its reports; it is not filtered to these counts,
        # so the figures do not link to it (a drill-down must show exactly what was counted).
        chart.add([_("Reported"), reported])
        chart.add([_("Not yet reported"), len(progress) - reported - late])
        chart.add([_("Late"), late])
        charts.append(chart)
        cards.append(
            Card("late_reports", str(assistance_selectors.PROGRESS_LATE_CARD), late, _("tasks"), alarm=late > 0)
        )


def site_ledger_part(*, user, focus, households, cards, charts, **_counted) -> None:
    """Safety hazards and residents' requests: open and overdue."""
    from settlements.models import ResidentRequest, SafetyHazard

    today = timezone.localdate()
    chart = Chart(
        "site_ledgers",
        _("Safety hazards and residents' requests"),
        "bar",
        [_("Ledger"), _("Open"), _("Overdue")],
        series=[1, 2],
    )
    for key, model, label in (
        ("hazards", SafetyHazard, _("Safety hazards")),
        ("requests", ResidentRequest, _("Residents' requests and complaints")),
    ):
        qs = model.objects.for_user(user)
        if focus.settlement is not None:
            qs = qs.filter(settlement=focus.settlement)
        elif focus.township is not None:
            qs = qs.filter(settlement__township=focus.township)
        open_ = qs.open()
        found = open_.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(pk__in=qs.overdue(today).values("pk"))))
        chart.add([label, found["open"], found["overdue"]])
        cards.append(
            Card(
                f"{key}_overdue",
                _("%(ledger)s overdue") % {"ledger": label},
                found["overdue"],
                hint=_("%(open)s open") % {"open": found["open"]},
                alarm=found["overdue"] > 0,
            )
        )
    charts.append(chart)


PARTS = [
    Part("monitoring", ("monitoring.Alert", "monitoring.MonitoringCase", "monitoring.Visit", "monitoring.LedgerEntry",
                        "monitoring.Thresholds"), monitoring_part),
    Part("assistance", ("assistance.Measure", "assistance.TaskAssignment"), assistance_part),
    Part("site_ledgers", ("settlements.SafetyHazard", "settlements.ResidentRequest"), site_ledger_part),
]  # fmt: skip
