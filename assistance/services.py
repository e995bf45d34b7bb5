"""Writes of the assistance app, with the policy's rules. Views, admin, tasks and tests call these."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import require_record_place
from notifications.services import notify
from relocation.models import Household, Member

from . import selectors
from .models import (
    AssistancePlan,
    AssistanceSettings,
    EmploymentRecord,
    HousingExtension,
    LateReport,
    Measure,
    MeasureSuggestion,
    PolicyTask,
    ProgressReport,
    ReportAttachment,
    TaskAssignment,
    TrainingRecord,
    WelfarePost,
)

# ---------------------------------------------------------------------------------------------
# Plans and measures
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    household: Household,
    summary: str,
    actor,
    case=None,
    suggestion_ids: Iterable[int] = (),
    cadre: str = "",
    drawn_up_on: datetime.date | None = None,
) -> AssistancePlan:
    """Draw up a plan for a household (for its open case, if given), adding the chosen suggested measures."""
    if case is not None:
        if case.household_id != household.pk:
            raise ValidationError(_("This monitoring case belongs to another household."))
        if not case.is_open:
            raise ValidationError(_("This monitoring case is closed: a plan can only be drawn up for an open case."))
    if not (summary or "").strip():
        raise ValidationError(_("Describe the household's difficulties and what the plan aims at."))
    plan = AssistancePlan.objects.create(
        household=household,
        case=case,
        summary=summary.strip(),
        drawn_up_by=actor,
        drawn_up_on=drawn_up_on or timezone.localdate(),
    )
    allowed = selectors.suggestions_for(case.risk_types if case is not None else [])
    chosen = list(allowed.filter(pk__in=list(suggestion_ids)))
    if case is None and suggestion_ids:
        chosen = list(MeasureSuggestion.objects.filter(is_active=True, pk__in=list(suggestion_ids)))
    # The measures' responsible person defaults to the household's own cadre (帮扶责任人), with their phone.
    from cadres.selectors import cadre_of

    paired = cadre_of(household)
    cadre = cadre.strip() or (paired.name if paired else "")
    cadre_phone = paired.phone if paired is not None and paired.name == cadre else ""
    if chosen and not cadre:
        raise ValidationError(_("Name the cadre responsible (帮扶责任人) for the suggested measures."))
    for suggestion in chosen:
        Measure.objects.create(
            plan=plan,
            household=household,
            measure_type=suggestion.measure_type,
            description=suggestion.description,
            department=suggestion.department,
            cadre=cadre,
            cadre_phone=cadre_phone,
            start_date=plan.drawn_up_on,
            suggestion=suggestion,
            updated_by=actor,
        )
    return plan


def _check_measure(*, start_date, end_date, amount, status, outcome) -> None:
    errors = {}
    if end_date and start_date and end_date < start_date:
        errors["end_date"] = _("The end date is before the start date.")
    if amount is not None and amount < 0:
        errors["amount"] = _("The amount cannot be negative.")
    if status == Measure.Status.DONE and not (outcome or "").strip():
        errors["outcome"] = _("Say what the measure achieved before marking it done.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def measure_create(
    *,
    plan: AssistancePlan,
    measure_type: str,
    description: str,
    department,
    cadre: str,
    actor,
    cadre_phone: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    amount: Decimal | None = None,
) -> Measure:
    """Add a measure to a plan, assigned to a department and a cadre."""
    start_date = start_date or timezone.localdate()
    _check_measure(start_date=start_date, end_date=end_date, amount=amount, status=Measure.Status.PLANNED, outcome="")
    return Measure.objects.create(
        plan=plan,
        household_id=plan.household_id,
        measure_type=measure_type,
        description=description,
        department=department,
        cadre=cadre,
        cadre_phone=cadre_phone,
        start_date=start_date,
        end_date=end_date,
        amount=amount,
        updated_by=actor,
    )


@transaction.atomic
def measure_update(*, measure: Measure, actor, **fields) -> Measure:
    """Change a measure's terms (township staff): type, department, cadre, dates, amount, status, outcome."""
    for name, value in fields.items():
        setattr(measure, name, value)
    _check_measure(
        start_date=measure.start_date,
        end_date=measure.end_date,
        amount=measure.amount,
        status=measure.status,
        outcome=measure.outcome,
    )
    measure.updated_by = actor
    measure.save()
    return measure


@transaction.atomic
def measure_report(*, measure: Measure, status: str, outcome: str, actor, amount: Decimal | None = None) -> Measure:
    """The responsible department reports a measure's progress: its status, outcome and amount paid."""
    if status not in (Measure.Status.PLANNED, Measure.Status.IN_PROGRESS, Measure.Status.DONE):
        raise ValidationError({"status": _("A department may only mark a measure planned, in progress or done.")})
    if measure.status == Measure.Status.CANCELLED:
        raise ValidationError(_("This measure has been cancelled."))
    amount = measure.amount if amount is None else amount
    _check_measure(
        start_date=measure.start_date, end_date=measure.end_date, amount=amount, status=status, outcome=outcome
    )
    measure.status, measure.outcome, measure.amount, measure.updated_by = status, outcome.strip(), amount, actor
    if status == Measure.Status.DONE and not measure.end_date:
        measure.end_date = timezone.localdate()
    measure.save(update_fields=["status", "outcome", "amount", "updated_by", "end_date", "updated_at"])
    return measure


def flag_cases_without_measures(*, today: datetime.date | None = None) -> int:
    """Notify the township's staff of each open case still without a measure after the set days (once per case)."""
    from monitoring.models import MonitoringCase

    cases = selectors.cases_without_measures(MonitoringCase.objects.all(), today=today).select_related(
        "household__township"
    )
    sent = 0
    for case in cases.iterator():
        household = case.household
        staff = User.objects.filter(
            is_active=True, role=User.Role.TOWNSHIP_STAFF, townships=household.township_id
        ).distinct()
        sent += notify(
            users=staff,
            kind="assistance.case_without_measure",
            title=_("%(head)s: monitoring case without any assistance measure") % {"head": household.head_name},
            body=_("Identified on %(date)s; draw up a plan with measures.") % {"date": case.identified_at},
            url=reverse("assistance:plan_create", kwargs={"household_pk": household.pk}),
            dedupe_key=f"assistance:case-no-measure:{case.pk}",
        )
    return sent


# ---------------------------------------------------------------------------------------------
# Employment
# ---------------------------------------------------------------------------------------------


def _sync_member_employment(member: Member) -> None:
    """The member's employment field follows their current records, so the zero-employment list does too."""
    today = timezone.localdate()
    current = (
        member.employment_records.filter(start_date__lte=today)
        .exclude(end_date__lt=today)
        .order_by("-start_date", "-pk")
        .first()
    )
    wanted = current.kind if current else Member.Employment.NOT_EMPLOYED
    employer = current.employer if current else ""
    if member.employment != wanted or (current and member.employer != employer):
        member.employment, member.employer = wanted, employer[:100]
        member.save(update_fields=["employment", "employer", "updated_at"])


@transaction.atomic
def employment_record_add(
    *,
    member: Member,
    kind: str,
    employer: str,
    start_date: datetime.date,
    actor,
    job: str = "",
    place: str = "",
    end_date: datetime.date | None = None,
    monthly_income: Decimal | None = None,
    notes: str = "",
) -> EmploymentRecord:
    """Record a spell of a member's employment; the member's current employment follows."""
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    if start_date > timezone.localdate():
        raise ValidationError({"start_date": _("The start date is in the future.")})
    record = EmploymentRecord.objects.create(
        household_id=member.household_id,
        member=member,
        kind=kind,
        employer=employer,
        job=job,
        place=place,
        start_date=start_date,
        end_date=end_date,
        monthly_income=monthly_income,
        notes=notes,
        recorded_by=actor,
    )
    _sync_member_employment(member)
    return record


@transaction.atomic
def employment_record_end(*, record: EmploymentRecord, end_date: datetime.date, actor) -> EmploymentRecord:
    """Close a spell of employment (the member left the job); the member may become unemployed."""
    if end_date < record.start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    record.end_date = end_date
    record.save(update_fields=["end_date"])
    _sync_member_employment(record.member)
    return record


@transaction.atomic
def training_record_add(*, member: Member, actor, **fields) -> TrainingRecord:
    """Record a skills training a member attended."""
    if fields.get("end_date") and fields.get("start_date") and fields["end_date"] < fields["start_date"]:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    return TrainingRecord.objects.create(household_id=member.household_id, member=member, recorded_by=actor, **fields)


@transaction.atomic
def welfare_post_assign(*, post: WelfarePost, member: Member | None, since: datetime.date, actor) -> WelfarePost:
    """Give a public-welfare post to a member (or leave it vacant); their employment records follow."""
    require_record_place(actor, post)  # the post's township and site stay inside the writer's scope
    if member is not None and member.household.township_id != post.township_id:
        raise ValidationError({"holder": _("The holder must live in the post's township.")})
    if post.employment_id and (member is None or member.pk != post.holder_id):
        # The previous holder's last day is the day before the change.
        last_day = max(since - datetime.timedelta(days=1), post.employment.start_date)
        employment_record_end(record=post.employment, end_date=last_day, actor=actor)
        post.employment = None
    if member is not None and member.pk != post.holder_id:
        post.employment = employment_record_add(
            member=member,
            kind="welfare_post",
            employer=post.name,
            job=post.get_kind_display(),
            start_date=since,
            monthly_income=post.monthly_pay,
            actor=actor,
        )
    post.holder = member
    post.holder_since = since if member is not None else None
    post.save()
    return post


# ---------------------------------------------------------------------------------------------
# Policy tasks and progress reports
# ---------------------------------------------------------------------------------------------


def _unit_staff(assignment: TaskAssignment):
    """Who files for the assignment's unit: the department's staff, or the township's staff and heads."""
    users = User.objects.filter(is_active=True)
    if assignment.department_id:
        return users.filter(department_id=assignment.department_id)
    return users.filter(
        role__in=[User.Role.TOWNSHIP_STAFF, User.Role.HEAD], district_wide=False, townships=assignment.township_id
    ).distinct()


def may_file(actor, assignment: TaskAssignment) -> bool:
    """Whether the actor reports for the assignment's unit (its department, or a township of their own)."""
    return actor.is_superuser or TaskAssignment.objects.filed_by(actor).filter(pk=assignment.pk).exists()


def townships_concerned():
    """The policy's 有关乡镇: townships with a settlement site (a dispersed-relocation "site" included)
    or households relocated without a site (分散安置)."""
    from settlements.models import Settlement, Township

    sites = Settlement.objects.filter(township=OuterRef("pk"))
    dispersed = Household.objects.filter(township=OuterRef("pk"), settlement__isnull=True)
    return Township.objects.filter(Exists(sites) | Exists(dispersed))


REMOVED_BY_DISTRICT = "区级移除"


def _removed_by_district(task_ids, township_ids) -> set[tuple[int, int]]:
    """(task, township) pairs whose last change was the district removing the township: kept removed."""
    last = {}
    rows = (
        TaskAssignment.history.filter(task_id__in=task_ids, township_id__in=township_ids)
        .order_by("history_date", "history_id")
        .values_list("task_id", "township_id", "history_type", "history_change_reason")
    )
    for task_id, township_id, kind, reason in rows:
        last[(task_id, township_id)] = kind == "-" and reason == REMOVED_BY_DISTRICT
    return {pair for pair, removed in last.items() if removed}


@transaction.atomic
def task_assign_townships(*, tasks=None, actor=None) -> int:
    """Assign each task naming the townships concerned (有关乡镇) to every township concerned (with a site
    or dispersed households); returns how many were new.

    Safe to run again, and after townships, sites or dispersed households are added. A township the
    district removed from a task stays removed; nothing is ever unassigned here.
    """
    from simple_history.utils import bulk_create_with_history

    tasks = PolicyTask.objects.all() if tasks is None else tasks
    task_ids = list(tasks.filter(townships_concerned=True).values_list("pk", flat=True))
    township_ids = list(townships_concerned().values_list("pk", flat=True))
    assigned = TaskAssignment.objects.filter(task_id__in=task_ids, township__isnull=False)
    existing = set(assigned.values_list("task_id", "township_id"))
    skipped = existing | _removed_by_district(task_ids, township_ids)
    new = [
        TaskAssignment(task_id=task_id, township_id=township_id)
        for task_id in task_ids
        for township_id in township_ids
        if (task_id, township_id) not in skipped
    ]
    if new:
        bulk_create_with_history(new, TaskAssignment, default_user=actor, default_change_reason="有关乡镇")
    return len(new)


@transaction.atomic
def task_township_add(*, task: PolicyTask, township, actor) -> TaskAssignment:
    """The district makes a township answerable for a task (with history)."""
    if TaskAssignment.objects.filter(task=task, township=township).exists():
        raise ValidationError(_("%(township)s is already answerable for this task.") % {"township": township.name})
    assignment = TaskAssignment(task=task, township=township)
    assignment._history_user = actor
    assignment._change_reason = "区级添加"
    assignment.save()
    return assignment


@transaction.atomic
def task_township_remove(*, assignment: TaskAssignment, actor) -> None:
    """The district relieves a township of a task (with history); refused once the township has reported."""
    if assignment.township_id is None:
        raise ValidationError(_("Departments are changed in the administration, not here."))
    if assignment.reports.exists():
        raise ValidationError(
            _("%(township)s has filed progress reports on this task; it stays answerable for it.")
            % {"township": assignment.township.name}
        )
    assignment._history_user = actor
    assignment._change_reason = REMOVED_BY_DISTRICT
    assignment.delete()


@transaction.atomic
def report_submit(
    *,
    assignment: TaskAssignment,
    period: datetime.date,
    text: str,
    actor,
    figures: dict | None = None,
    files: Iterable = (),
) -> ProgressReport:
    """File a unit's (department's or township's) progress report for a period, or refile one sent back."""
    if not may_file(actor, assignment):
        raise ValidationError(_("Only the staff of %(unit)s may report on this task.") % {"unit": assignment.unit})
    period = assignment.task.period_of(period)
    if period > timezone.localdate():
        raise ValidationError(_("This period has not begun yet."))
    if not (text or "").strip():
        raise ValidationError({"text": _("Describe the progress made in this period.")})
    # order_by("pk"): the default ordering joins the assignment's nullable department and township,
    # and PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    report = (
        ProgressReport.objects.select_for_update().filter(assignment=assignment, period=period).order_by("pk").first()
    )
    if report is not None and report.status != ProgressReport.Status.RETURNED:
        raise ValidationError(_("This period has already been reported; it can be changed only if it is sent back."))
    if report is None:
        report = ProgressReport(assignment=assignment, period=period)
    report.text, report.figures = text.strip(), figures or {}
    report.status, report.submitted_by, report.submitted_at = ProgressReport.Status.SUBMITTED, actor, timezone.now()
    report.save()
    for upload in files:
        ReportAttachment.objects.create(report=report, file=upload, name=upload.name[:120])
    from accounts.approvals import notify_report_awaits_acceptance

    notify_report_awaits_acceptance(report)
    return report


@transaction.atomic
def report_return(*, report: ProgressReport, comment: str, actor) -> ProgressReport:
    """Send a report back to its unit with a comment (双向调度); the department's or township's staff are notified."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why the report is sent back.")})
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be sent back."))
    report.status, report.review_comment = ProgressReport.Status.RETURNED, comment.strip()
    report.reviewed_by, report.reviewed_at = actor, timezone.now()
    report.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
    notify(
        users=_unit_staff(report.assignment),
        kind="assistance.report_returned",
        title=_("Progress report on %(task)s sent back") % {"task": report.assignment.task},
        body=report.review_comment,
        url=reverse("assistance:report_detail", kwargs={"report_pk": report.pk}),
        dedupe_key=f"assistance:report-returned:{report.pk}:{report.reviewed_at.isoformat()}",
    )
    return report


@transaction.atomic
def report_accept(*, report: ProgressReport, actor, comment: str = "") -> ProgressReport:
    """Accept a submitted report."""
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted."))
    report.status, report.review_comment = ProgressReport.Status.ACCEPTED, comment.strip()
    report.reviewed_by, report.reviewed_at = actor, timezone.now()
    report.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
    return report


def report_due_date(task: PolicyTask, period: datetime.date) -> datetime.date:
    """The last day a report for ``period`` is on time."""
    return task.period_end(period) + datetime.timedelta(days=AssistanceSettings.current().report_due_days)


def flag_late_reports(*, today: datetime.date | None = None) -> int:
    """Flag each unit (department or township) that has not reported on a task for the last period once its
    deadline passed, notifying the unit's staff and the district heads.

    Each lateness is flagged and notified once, however often the job runs. Returns the new flags.
    """
    today = today or timezone.localdate()
    reported = [ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED]
    created = 0
    for frequency in PolicyTask.Frequency.values:
        sample = PolicyTask(frequency=frequency)
        period = sample.previous_period(today)
        due = report_due_date(sample, period)
        if today <= due:
            continue
        # exclude() over a reverse relation with two conditions may match them on different rows: Exists.
        on_time = ProgressReport.objects.filter(assignment=OuterRef("pk"), period=period, status__in=reported)
        flagged = LateReport.objects.filter(assignment=OuterRef("pk"), period=period)
        missing = (
            TaskAssignment.objects.filter(task__is_active=True, task__frequency=frequency)
            .exclude(Exists(on_time))
            .exclude(Exists(flagged))
            .select_related("task", "department", "township")
        )
        for assignment in missing:
            _late, was_created = LateReport.objects.get_or_create(
                assignment=assignment, period=period, defaults={"due_date": due}
            )
            if not was_created:
                continue
            created += 1
            heads = User.objects.filter(is_active=True, role=User.Role.HEAD, district_wide=True)
            notify(
                users=[*_unit_staff(assignment), *heads],
                kind="assistance.report_late",
                title=_("%(dept)s has not reported on %(task)s") % {"dept": assignment.unit, "task": assignment.task},
                body=_("The report for the period from %(period)s was due on %(due)s.")
                % {"period": period, "due": due},
                url=reverse("assistance:task_detail", kwargs={"task_pk": assignment.task_id}),
                dedupe_key=f"assistance:late:{assignment.pk}:{period.isoformat()}",
            )
    return created


# ---------------------------------------------------------------------------------------------
# Housing extension (加层扩建): "two musts, two forbiddens, two ensures"
# ---------------------------------------------------------------------------------------------


def housing_extension_problems(
    *, household: Household, funding_source: str, income_proof: str, has_proof_file: bool, savings_commitment: bool
) -> list[str]:
    """Why the policy forbids this extension, one reason per rule broken; empty when it may go ahead."""
    problems = []
    if household.placement != Household.Placement.HOMESTEAD:
        problems.append(
            _(
                "Only one-house-one-homestead households may extend their house; an apartment household "
                "meets new housing needs by buying or renting."
            )
        )
    if funding_source != HousingExtension.Funding.SAVINGS:
        problems.append(_("The extension must be paid from the household's own savings: no loans or borrowing."))
    if selectors.has_open_case(household) or household.status == Household.Status.MONITORED:
        problems.append(_("The household is an open monitoring case: an unstable household may not extend."))
    if not (income_proof or "").strip() and not has_proof_file:
        problems.append(_("Proof of the household's own income is missing."))
    if not savings_commitment:
        problems.append(_("The household has not committed to pay from its own savings."))
    return problems


def _problems_of(application: HousingExtension) -> list[str]:
    return housing_extension_problems(
        household=application.household,
        funding_source=application.funding_source,
        income_proof=application.income_proof,
        has_proof_file=bool(application.income_proof_file),
        savings_commitment=application.savings_commitment,
    )


@transaction.atomic
def housing_extension_apply(
    *,
    household: Household,
    funding_source: str,
    planned_area: Decimal,
    actor,
    income_proof: str = "",
    income_proof_file=None,
    savings_commitment: bool = False,
    estimated_cost: Decimal | None = None,
    applied_on: datetime.date | None = None,
) -> HousingExtension:
    """Record a household's application (农户申请); refused with the reasons when a rule is broken."""
    problems = housing_extension_problems(
        household=household,
        funding_source=funding_source,
        income_proof=income_proof,
        has_proof_file=bool(income_proof_file),
        savings_commitment=savings_commitment,
    )
    if problems:
        raise ValidationError(problems)
    if household.housing_extensions.filter(
        status__in=[HousingExtension.Status.APPLIED, HousingExtension.Status.VILLAGE_APPROVED]
    ).exists():
        raise ValidationError(_("This household already has an application under review."))
    application = HousingExtension(
        household=household,
        funding_source=funding_source,
        planned_area=planned_area,
        income_proof=income_proof.strip(),
        savings_commitment=savings_commitment,
        estimated_cost=estimated_cost,
        applied_by=actor,
        applied_on=applied_on or timezone.localdate(),
    )
    if income_proof_file:
        application.income_proof_file = income_proof_file
    application.save()
    return application


@transaction.atomic
def housing_extension_village_review(
    *, application: HousingExtension, agree: bool, opinion: str, actor
) -> HousingExtension:
    """Record the village group's review (村组审核): agreement goes to the township, refusal ends it."""
    application = HousingExtension.objects.select_for_update().get(pk=application.pk)
    if application.status != HousingExtension.Status.APPLIED:
        raise ValidationError(_("This application is not awaiting the village group's review."))
    if agree:
        problems = _problems_of(application)
        if problems:
            raise ValidationError(problems)
    elif not (opinion or "").strip():
        raise ValidationError({"opinion": _("Give the reason for refusing.")})
    application.village_opinion = opinion.strip()
    application.village_reviewed_by, application.village_reviewed_at = actor, timezone.now()
    application.status = HousingExtension.Status.VILLAGE_APPROVED if agree else HousingExtension.Status.REJECTED
    if not agree:
        application.refusal_reason = application.village_opinion
    application.save()
    if agree:
        from accounts.approvals import notify_extension_awaits_approval

        notify_extension_awaits_approval(application)
    return application


@transaction.atomic
def housing_extension_township_decide(
    *, application: HousingExtension, approve: bool, opinion: str, actor
) -> HousingExtension:
    """Record the township's decision (乡镇审批); the rules are checked again, as things may have changed."""
    application = HousingExtension.objects.select_for_update().get(pk=application.pk)
    if application.status != HousingExtension.Status.VILLAGE_APPROVED:
        raise ValidationError(_("This application has not passed the village group's review."))
    if approve:
        problems = _problems_of(application)
        if problems:
            raise ValidationError(problems)
    elif not (opinion or "").strip():
        raise ValidationError({"opinion": _("Give the reason for refusing.")})
    application.township_opinion = opinion.strip()
    application.township_decided_by, application.township_decided_at = actor, timezone.now()
    application.status = HousingExtension.Status.APPROVED if approve else HousingExtension.Status.REJECTED
    if not approve:
        application.refusal_reason = application.township_opinion
    application.save()
    return application
