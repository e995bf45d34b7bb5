"""Reads of the assistance app, some of which other apps rely on."""

import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy


def household_ids_for_department(department_id: int) -> QuerySet:
    """Ids of the households that have an assistance measure assigned to the department.

    Bureau staff see households only through the measures their department is answerable for;
    a cancelled measure no longer opens the household to them.
    """
    from .models import Measure

    return (
        Measure.objects.filter(department_id=department_id)
        .exclude(status=Measure.Status.CANCELLED)
        .values("household_id")
    )


def zero_employment_households(households: QuerySet) -> QuerySet:
    """Households with a member able and willing to work and nobody employed (零就业家庭), in one query.

    Read from the dashboards' per-household figures (kept by every save of a member, in the same
    transaction): the list is then the dashboards' count by construction, and an index finds it
    (two EXISTS probes per household took 20 s at a million households).
    """
    return households.filter(figures__can_work__gt=0, figures__employed=0)


def employment_goal(household) -> dict:
    """Whether the household meets "at least one member employed" where someone can work (two queries)."""
    from relocation.models import Member

    members = Member.objects.filter(household=household)
    can_work = members.filter(willing_to_work=True).exclude(labour_capacity=Member.Labour.NONE).count()
    employed = members.filter(employment__in=Member.EMPLOYED).count()
    return {"can_work": can_work, "employed": employed, "zero_employment": bool(can_work) and not employed}


def suggestions_for(risk_types) -> QuerySet:
    """The catalogue's active suggestions for these risk types, in catalogue order."""
    from .models import MeasureSuggestion

    return (
        MeasureSuggestion.objects.filter(is_active=True, risk_type__in=list(risk_types or []))
        .select_related("department")
        .order_by("sort_order", "pk")
    )


def cases_without_measures(cases: QuerySet, *, today: datetime.date | None = None, days: int | None = None):
    """Open cases identified ``days`` or more ago that still have no (uncancelled) assistance measure."""
    from monitoring.models import MonitoringCase

    from .models import AssistanceSettings, Measure

    today = today or timezone.localdate()
    days = AssistanceSettings.current().measure_deadline_days if days is None else days
    measures = Measure.objects.filter(plan__case=OuterRef("pk")).exclude(status=Measure.Status.CANCELLED)
    return cases.filter(
        status__in=MonitoringCase.OPEN_STATUSES, identified_at__lte=today - datetime.timedelta(days=days)
    ).exclude(Exists(measures))


def has_open_case(household) -> bool:
    """Whether the household is an open monitoring object (a case not eliminated nor revoked)."""
    from monitoring.models import MonitoringCase

    return MonitoringCase.objects.filter(household=household, status__in=MonitoringCase.OPEN_STATUSES).exists()


def task_progress(
    period_day: datetime.date | None = None,
    *,
    department_id: int | None = None,
    township_id: int | None = None,
    assignments: QuerySet | None = None,
) -> list[dict]:
    """For each active task and responsible unit (department or township): this period's report, last
    period's, and lateness. ``assignments`` narrows to a scope (``TaskAssignment.objects.for_user``).

    A fixed number of queries, whatever the number of tasks: the district's "who has reported" table.
    """
    from .models import LateReport, ProgressReport, TaskAssignment

    day = period_day or timezone.localdate()
    assignments = TaskAssignment.objects.all() if assignments is None else assignments
    assignments = assignments.filter(task__is_active=True).select_related("task", "department", "township")
    if department_id is not None:
        assignments = assignments.filter(department_id=department_id)
    if township_id is not None:
        assignments = assignments.filter(township_id=township_id)
    # Departments before townships on both databases (SQLite puts NULLs first, PostgreSQL last).
    assignments = list(
        assignments.order_by(
            "task__sort_order", "task__code", "-is_lead", F("department__sort_order").asc(nulls_last=True),
            "township__code",
        )
    )  # fmt: skip
    periods = set()
    for a in assignments:
        periods.add(a.task.period_of(day))
        periods.add(a.task.previous_period(day))
    ids = [a.pk for a in assignments]
    reports = {
        (r.assignment_id, r.period): r
        for r in ProgressReport.objects.filter(assignment_id__in=ids, period__in=periods).only(
            "pk", "assignment_id", "period", "status", "submitted_at"
        )
    }
    late = set(
        LateReport.objects.filter(assignment_id__in=ids, period__in=periods).values_list("assignment_id", "period")
    )
    rows = []
    for a in assignments:
        current, previous = a.task.period_of(day), a.task.previous_period(day)
        rows.append(
            {
                "assignment": a,
                "task": a.task,
                "department": a.department,
                "township": a.township,
                "unit_name": a.unit_name,
                "period": current,
                "report": reports.get((a.pk, current)),
                "previous_period": previous,
                "previous_report": reports.get((a.pk, previous)),
                "late": (a.pk, previous) in late or (a.pk, current) in late,
            }
        )
    return rows


# The district chart of the reports (dashboards.parts.assistance_part): its words are the assistance
# app's, so that they are extracted and translated with the rest of this app's.
PROGRESS_CHART_TITLE = gettext_lazy("Responsible units' reports on the policy tasks")
PROGRESS_CHART_COLUMN = gettext_lazy("Tasks of departments and townships")
PROGRESS_CHART_NOTE = gettext_lazy(
    "Each responsible unit's (department's or township's) report for the current period of each task it is assigned."
)
PROGRESS_LATE_CARD = gettext_lazy("Late reports of responsible units")


def department_households(department_id: int) -> QuerySet:
    """The households a department's measures concern (what its staff may open)."""
    from relocation.models import Household

    return Household.objects.filter(pk__in=household_ids_for_department(department_id))


def open_measures_q() -> Q:
    """Measures still to be carried out."""
    return Q(status__in=["planned", "in_progress"])


def task_townships(task) -> dict:
    """For the district on a task's page: its townships (with whether each has reported), the
    townships it could be given, and the history of townships added and removed."""
    from settlements.models import Township

    from .models import ProgressReport, TaskAssignment

    assigned = list(
        task.assignments.filter(township__isnull=False)
        .select_related("township")
        .annotate(reported=Exists(ProgressReport.objects.filter(assignment=OuterRef("pk"))))
        .order_by("township__code")
    )
    taken = {a.township_id for a in assigned}
    history = (
        TaskAssignment.history.filter(task_id=task.pk, township__isnull=False)
        .select_related("township", "history_user")
        .order_by("-history_date")[:30]
    )
    return {
        "township_assignments": assigned,
        "addable_townships": [t for t in Township.objects.order_by("code") if t.pk not in taken],
        "township_history": list(history),
    }
