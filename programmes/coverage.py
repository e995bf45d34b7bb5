"""Which pages of the portal record the work of each of the policy's 25 measures, and their figures.

The measures themselves, their titles and responsible units are the policy tasks seeded from the text
(``assistance.seed_data``); this module only says, per measure code, which lists record work for it.
Every figure is counted from the records in the user's scope: nothing is typed by hand.
A recorder with a ``date_field`` also gives the figures of one reporting period; its list takes the
same ``date_from``/``date_to`` filter, so a report's figure equals the list it links to.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from settlements.ledgers import LEDGERS as SITE_LEDGERS

from .ledgers import LEDGERS


@dataclass
class Recorder:
    label: str
    url_name: str
    model: str  # "app_label.ModelName", read through its for_user gate
    permission: str
    date_field: str = ""  # the list's date filter; empty when the list has none
    filters: dict = field(default_factory=dict)  # the same narrowing as ``query`` below, in the ORM
    query: dict = field(default_factory=dict)  # the list's URL parameters
    sum_field: str = ""
    sum_label: str = ""

    def queryset(self, user):
        return apps.get_model(self.model).objects.for_user(user).filter(**self.filters)

    def url(self, **extra) -> str:
        params = {**self.query, **extra}
        return reverse(self.url_name) + (f"?{urlencode(params)}" if params else "")


def _ledger(ledger, label=None, sum_field="", sum_label="", **query) -> Recorder:
    filters = dict(query)
    return Recorder(
        label=label or ledger.title,
        url_name=ledger.url_name("list"),
        model=ledger.model._meta.label,
        permission=ledger.perm("view"),
        date_field=ledger.date_field,
        filters=filters,
        query=query,
        sum_field=sum_field,
        sum_label=sum_label,
    )


def _page(label, url_name, model, permission, **filters) -> Recorder:
    return Recorder(label=label, url_name=url_name, model=model, permission=permission, filters=filters)


def recorders() -> dict[str, list[Recorder]]:
    """Measure code -> the lists that record its work (built per call: labels follow the language)."""
    L, S = LEDGERS, SITE_LEDGERS
    alerts = _page(_("Monitoring alerts"), "monitoring:alert_list", "monitoring.Alert", "monitoring.view_alert")
    cases = _page(
        _("Monitoring cases"), "monitoring:case_list", "monitoring.MonitoringCase", "monitoring.view_monitoringcase"
    )
    visits = _page(_("Return visits due"), "monitoring:visits_due", "monitoring.Visit", "monitoring.view_visit")
    rosters = _page(
        _("Department data screening"), "monitoring:roster_list", "monitoring.DepartmentRoster",
        "monitoring.view_departmentroster",
    )  # fmt: skip
    measures = _page(
        _("Follow-up assistance ledger (measures)"), "assistance:measure_list", "assistance.Measure",
        "assistance.view_measure",
    )  # fmt: skip
    posts = _page(
        _("Public-welfare posts"), "assistance:post_list", "assistance.WelfarePost", "assistance.view_welfarepost"
    )
    extensions = _page(
        _("Housing extension applications"), "assistance:extension_list", "assistance.HousingExtension",
        "assistance.view_housingextension",
    )  # fmt: skip
    households = _page(
        _("Real-estate certificates issued"), "relocation:household_list", "relocation.Household",
        "relocation.view_household", certificate_issued=True,
    )  # fmt: skip
    sites = _page(
        _("Settlement sites and their organisation"), "settlements:settlement_list", "settlements.Settlement",
        "settlements.view_settlement",
    )  # fmt: skip
    reports = _page(
        _("Progress reports reviewed (双向调度)"), "assistance:task_list", "assistance.ProgressReport",
        "assistance.view_progressreport", status__in=["accepted", "returned"],
    )  # fmt: skip
    employment = L["employment"]
    return {
        "1.1": [alerts, visits, rosters],
        "1.2": [cases, measures],
        "2.1": [_ledger(L["products"]), _ledger(L["library"], _("Industry projects in the library"), kind="industry")],
        "2.2": [_ledger(L["workshops"]), _ledger(L["library"], _("Projects in the library"))],
        "2.3": [_ledger(L["sales"], sum_field="amount", sum_label=_("Sales (yuan)")), _ledger(L["products"])],
        "2.4": [_ledger(S["assets"])],
        "2.5": [_ledger(L["benefits"], sum_field="yearly_income", sum_label=_("Yearly income (yuan)"))],
        "3.1": [_ledger(L["trainings"])],
        "3.2": [
            _ledger(employment, _("Employed in the province, outside the county"), kind="province"),
            _ledger(employment, _("Employed outside the province"), kind="outside"),
        ],
        "3.3": [
            _ledger(L["workshops"]),
            _ledger(employment, _("Employed within the county"), kind="local"),
            posts,
        ],
        "3.4": [_ledger(L["relief"], sum_field="labour_remuneration", sum_label=_("Labour remuneration (yuan)"))],
        "3.5": [
            _ledger(L["loans"], sum_field="amount", sum_label=_("Amount (yuan)")),
            _ledger(employment, _("Self-employed"), kind="self_employed"),
        ],
        "3.6": [_ledger(S["activities"], _("Job fairs at the sites"), kind="job_fair"), _ledger(employment)],
        "4.1": [_ledger(S["facilities"]), _ledger(S["maintenance"])],
        "4.2": [_ledger(S["facilities"])],
        "4.3": [_ledger(S["hazards"]), _ledger(S["maintenance"])],
        "4.4": [extensions],
        "4.5": [households, _ledger(L["benefits"], _("Land transferred at the origin"), kind="land_transfer")],
        "5.1": [sites],
        "5.2": [_ledger(S["requests"])],
        "5.3": [_ledger(S["disputes"]), _ledger(S["hazards"])],
        "5.4": [_ledger(S["activities"])],
        "6.1": [measures, _ledger(S["facilities"]), _ledger(S["requests"])],
        "6.2": [
            _ledger(L["library"], sum_field="planned_amount", sum_label=_("Planned amount (yuan)")),
            _ledger(L["funds"], sum_field="allocated", sum_label=_("Allocated (yuan)")),
        ],
        "6.3": [reports],
    }


def _figures(recorder: Recorder, queryset) -> dict:
    aggregates = {"count": Count("pk")}
    if recorder.sum_field:
        aggregates["total"] = Sum(recorder.sum_field)
    return queryset.order_by().aggregate(**aggregates)


def coverage_for(user) -> list[dict]:
    """Each active policy task with its responsible departments and the records of its work in the user's scope."""
    from assistance.models import PolicyTask, TaskAssignment

    tasks = list(PolicyTask.objects.filter(is_active=True).order_by("sort_order", "code"))
    units: dict[int, list] = {}
    townships: dict[int, int] = {}
    for a in TaskAssignment.objects.filter(task__in=tasks).select_related("department"):
        if a.department_id:
            units.setdefault(a.task_id, []).append(a)
        else:
            townships[a.task_id] = townships.get(a.task_id, 0) + 1
    table = recorders()
    rows = []
    for task in tasks:
        entries = []
        for recorder in table.get(task.code, []):
            allowed = user.has_perm(recorder.permission)
            figures = _figures(recorder, recorder.queryset(user)) if allowed else {}
            entries.append({"recorder": recorder, "allowed": allowed, "url": recorder.url(), **figures})
        rows.append(
            {
                "task": task,
                "departments": units.get(task.pk, []),
                "townships": townships.get(task.pk, 0),
                "entries": entries,
            }
        )
    return rows


def report_figures(code: str, start: datetime.date, end: datetime.date, user) -> list[dict]:
    """The figures of one reporting period for a measure, from the ledgers that take a date filter.

    Each item: label, count, (total, total_label), url of the list narrowed to the same period.
    """
    items = []
    for recorder in recorders().get(code, []):
        if not recorder.date_field or not user.has_perm(recorder.permission):
            continue
        queryset = recorder.queryset(user).filter(
            **{f"{recorder.date_field}__gte": start, f"{recorder.date_field}__lte": end}
        )
        figures = _figures(recorder, queryset)
        items.append(
            {
                "label": str(recorder.label),
                "count": figures["count"],
                "total": figures.get("total") or 0,
                "total_label": str(recorder.sum_label),
                "url": recorder.url(date_from=start.isoformat(), date_to=end.isoformat()),
            }
        )
    return items


def report_figure_lines(code: str, start: datetime.date, end: datetime.date, user) -> str:
    """The period's figures as the report form's "name: value" lines."""
    lines = []
    records = _("number of records")
    for item in report_figures(code, start, end, user):
        lines.append(f"{item['label']}（{records}）: {item['count']}")
        if item["total_label"]:
            lines.append(f"{item['label']}（{item['total_label']}）: {item['total']}")
    return "\n".join(lines)
