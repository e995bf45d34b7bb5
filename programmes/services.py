"""Writes with rules for the programme ledgers; views, commands, tasks and tests call these."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import require_record_place
from assistance import services as assistance_services
from assistance.models import EmploymentKind

from .models import (
    FundAllocation,
    LibraryProject,
    Loan,
    LoanExtension,
    LoanRepayment,
    ProgrammeSettings,
    ReliefProject,
    ReliefWorker,
    Workshop,
    WorkshopWorker,
    months_later,
)

LOAN_OVERDUE_RULE = "loan_overdue"  # monitoring.models.Alert.Rule.LOAN_OVERDUE


def _recorded(record, actor):
    """Note who recorded a new row, and who made this change for its history (outside a request too)."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        record._history_user = actor
        if record.pk is None:
            # Trainings and employment (the assistance app's models) name it recorded_by.
            setattr(record, "recorded_by" if hasattr(record, "recorded_by_id") else "created_by", actor)


@transaction.atomic
def record_save(*, record, actor=None):
    """Validate and save a ledger row (workshop, project, loan, product, sale, linkage...), noting who recorded it."""
    _recorded(record, actor)
    require_record_place(actor, record)  # a township or site outside the writer's scope is refused
    # A nullable link left empty (who recorded an imported row) is no error of the person saving now.
    empty = [f.name for f in record._meta.fields if f.is_relation and f.null and getattr(record, f.attname) is None]
    record.full_clean(exclude=empty)
    record.save()
    return record


@transaction.atomic
def record_delete(*, record, actor=None) -> None:
    """Delete a row; its history keeps the deletion and who did it."""
    record._history_user = actor
    record.delete()


# Workshops ------------------------------------------------------------------------------------


@transaction.atomic
def workshop_worker_add(*, workshop: Workshop, worker: WorkshopWorker, actor) -> WorkshopWorker:
    """A member starts work at a workshop: the member's employment record names the workshop as employer."""
    worker.workshop = workshop
    _recorded(worker, actor)
    worker.full_clean()
    if WorkshopWorker.objects.filter(workshop=workshop, member=worker.member).current().exists():
        raise ValidationError({"id_number": _("This member already works here.")})
    worker.employment = assistance_services.employment_record_add(
        member=worker.member,
        kind=EmploymentKind.LOCAL,
        employer=workshop.name,
        job=worker.job,
        place=workshop.settlement.name,
        start_date=worker.start_date,
        monthly_income=worker.monthly_wage,
        notes=str(workshop.get_kind_display()),
        actor=actor,
    )
    worker.save()
    return worker


@transaction.atomic
def workshop_worker_leave(*, worker: WorkshopWorker, end_date: datetime.date, actor) -> WorkshopWorker:
    """A member leaves the workshop: the spell and the employment record end on the same day."""
    if end_date < worker.start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    worker.end_date = end_date
    worker.save(update_fields=["end_date"])
    if worker.employment_id:
        assistance_services.employment_record_end(record=worker.employment, end_date=end_date, actor=actor)
    return worker


@transaction.atomic
def workshop_worker_update(*, worker: WorkshopWorker, actor) -> WorkshopWorker:
    """Correct a worker's member, job, dates or wage; the member's employment record follows."""
    _recorded(worker, actor)
    worker.full_clean()
    if (
        worker.end_date is None
        and WorkshopWorker.objects.filter(workshop_id=worker.workshop_id, member_id=worker.member_id)
        .current()
        .exclude(pk=worker.pk)
        .exists()
    ):
        raise ValidationError({"id_number": _("This member already works here.")})
    worker.save()
    record = worker.employment
    if record is not None:
        previous_member = record.member
        record.member, record.household_id = worker.member, worker.member.household_id
        record.job, record.start_date, record.end_date = worker.job, worker.start_date, worker.end_date
        record.monthly_income = worker.monthly_wage
        record._history_user = actor
        record.save()
        assistance_services._sync_member_employment(worker.member)
        if previous_member.pk != worker.member_id:
            assistance_services._sync_member_employment(previous_member)
    return worker


@transaction.atomic
def workshop_worker_remove(*, worker: WorkshopWorker, actor) -> None:
    """Remove a worker recorded by mistake, and the employment record the workshop gave the member."""
    record, member = worker.employment, worker.member
    worker._history_user = actor
    worker.delete()
    if record is not None:
        record._history_user = actor
        record.delete()
        assistance_services._sync_member_employment(member)


# Work-for-relief --------------------------------------------------------------------------------


@transaction.atomic
def relief_worker_add(*, project: ReliefProject, worker: ReliefWorker, actor) -> ReliefWorker:
    """Record a relocated member's days and wages on a work-for-relief project."""
    worker.project = project
    _recorded(worker, actor)
    worker.full_clean()
    worker.save()
    return worker


@transaction.atomic
def relief_worker_update(*, worker: ReliefWorker, actor) -> ReliefWorker:
    """Correct a worker's days or wages; days after the project's completion are refused (model rule)."""
    _recorded(worker, actor)
    worker.full_clean()
    worker.save()
    return worker


@transaction.atomic
def relief_worker_remove(*, worker: ReliefWorker, actor) -> None:
    """Remove a worker recorded by mistake; the history keeps the row and who removed it."""
    worker._history_user = actor
    worker.delete()


# Loans ------------------------------------------------------------------------------------------


def _repaid(loan: Loan) -> Decimal:
    # Quantized: SQLite sums decimals without their scale (6000 rather than 6000.00).
    return (loan.repayments.aggregate(total=Sum("principal"))["total"] or Decimal("0")).quantize(Decimal("0.01"))


def loan_status_problem(*, loan: Loan, old: str | None, new: str) -> str:
    """Why a loan may not go from status ``old`` (None: a new loan) to ``new``; empty when it may.

    A loan is being repaid until its repayments reach the amount (已结清, recorded by the repayment
    that completes it) or the risk compensation fund writes it off (核销); both are final. A renewal or
    extension (续贷/展期) is recorded with its new due date on the loan's page, which sets its status.
    Overdue is no status: it follows from the due date and the repayments.
    """
    S = Loan.Status
    if old == new:
        return ""
    if old in (S.REPAID, S.WRITTEN_OFF):
        return _("This loan is closed (%(status)s): its status can no longer change.") % {
            "status": Loan.Status(old).label
        }
    if new == S.EXTENDED:
        return _("A renewal or extension is recorded on the loan's page with its new due date; the status follows.")
    if new == S.REPAID:
        left = Decimal(loan.amount).quantize(Decimal("0.01")) - (_repaid(loan) if loan.pk else Decimal("0"))
        if left > 0:
            return _("%(left)s yuan of the principal are not repaid: record the repayments, the status follows.") % {
                "left": left
            }
    if new == S.ACTIVE and old == S.EXTENDED:
        return _("The loan has been renewed or extended: it cannot be set back to being repaid.")
    return ""


@transaction.atomic
def loan_save(*, loan: Loan, actor=None) -> Loan:
    """Save a loan from its form: its status moves only as the rules allow, its amount never below what is repaid."""
    old = Loan.objects.filter(pk=loan.pk).values_list("status", flat=True).first() if loan.pk else None
    problem = loan_status_problem(loan=loan, old=old, new=loan.status)
    if problem:
        raise ValidationError({"status": problem})
    if loan.pk and loan.amount is not None:
        repaid = _repaid(loan)
        if loan.amount < repaid:
            raise ValidationError(
                {"amount": _("%(repaid)s yuan are already repaid: the amount cannot be lower.") % {"repaid": repaid}}
            )
    if loan.pk and loan.start_date and loan.term_months and not loan.extensions.exists():
        # A corrected start date or term moves the due date (the overdue rule counts from it); once
        # a renewal or extension has set a new due date, that one stands.
        loan.due_date = months_later(loan.start_date, loan.term_months)
    return record_save(record=loan, actor=actor)


@transaction.atomic
def loan_set_status(*, loan: Loan, status: str, actor) -> Loan:
    """Change a loan's status (e.g. written off with the risk compensation fund), refused where the rules forbid."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    problem = loan_status_problem(loan=loan, old=loan.status, new=status)
    if problem:
        raise ValidationError({"status": problem})
    loan.status = status
    loan._history_user = actor
    loan.save(update_fields=["status"])
    return loan


@transaction.atomic
def loan_repay(*, loan: Loan, repayment: LoanRepayment, actor) -> LoanRepayment:
    """Record a repayment; repayments may not exceed the loan, and the loan is repaid when they reach it."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status not in Loan.OPEN_STATUSES:
        raise ValidationError(_("This loan is closed: no repayment can be recorded."))
    if repayment.paid_on < loan.start_date:
        raise ValidationError({"paid_on": _("The repayment is dated before the loan started.")})
    repaid = loan.repayments.aggregate(total=Sum("principal"))["total"] or Decimal("0")
    if repaid + repayment.principal > loan.amount:
        raise ValidationError(
            {
                "principal": _(
                    "Repayments would come to %(total)s yuan, more than the loan's %(amount)s yuan "
                    "(%(left)s yuan are left to repay)."
                )
                % {"total": repaid + repayment.principal, "amount": loan.amount, "left": loan.amount - repaid}
            }
        )
    if not repayment.principal and not repayment.interest:
        raise ValidationError({"principal": _("Give the principal or the interest repaid.")})
    repayment.loan = loan
    _recorded(repayment, actor)
    repayment.full_clean()
    repayment.save()
    if repaid + repayment.principal == loan.amount:
        loan.status = Loan.Status.REPAID
        loan._history_user = actor
        loan.save(update_fields=["status"])
    return repayment


@transaction.atomic
def loan_extend(*, loan: Loan, extension: LoanExtension, actor) -> LoanExtension:
    """Renew or extend a loan: its due date moves to the new one."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status not in Loan.OPEN_STATUSES:
        raise ValidationError(_("This loan is closed: it cannot be renewed or extended."))
    if extension.new_due_date <= loan.due_date:
        raise ValidationError(
            {"new_due_date": _("The new due date must be after the current one (%(due)s).") % {"due": loan.due_date}}
        )
    extension.loan = loan
    extension.previous_due_date = loan.due_date
    _recorded(extension, actor)
    extension.full_clean()
    extension.save()
    loan.due_date = extension.new_due_date
    loan.status = Loan.Status.EXTENDED
    loan._history_user = actor
    loan.save(update_fields=["due_date", "status"])
    return extension


def loans_overdue(*, today: datetime.date | None = None):
    """Open loans past their due date by more than the administrator's threshold (every township)."""
    today = today or timezone.localdate()
    days = ProgrammeSettings.current().loan_overdue_days
    return Loan.objects.filter(status__in=Loan.OPEN_STATUSES, due_date__lt=today - datetime.timedelta(days=days))


def flag_overdue_loans(*, today: datetime.date | None = None) -> int:
    """Raise one alert per overdue loan; an alert joins the household's open monitoring case. Returns new alerts."""
    today = today or timezone.localdate()
    raised = 0
    for loan in loans_overdue(today=today).filter(overdue_alert__isnull=True).select_related("member", "household"):
        with transaction.atomic():
            if loan_raise_alert(loan=loan, today=today):
                raised += 1
    return raised


@transaction.atomic
def loan_raise_alert(*, loan: Loan, today: datetime.date, actor=None) -> bool:
    """Put an overdue loan in the monitoring queue once; True when a new alert was raised."""
    from monitoring.models import Alert, MonitoringCase
    from monitoring.services import alert_raise

    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.overdue_alert_id:
        return False
    before = Alert.objects.filter(household_id=loan.household_id, rule=LOAN_OVERDUE_RULE, period=loan.due_date).exists()
    alert = alert_raise(
        household=loan.household,
        rule=LOAN_OVERDUE_RULE,
        period=loan.due_date,
        evidence={
            "loan_id": loan.pk,
            "kind": str(loan.get_kind_display()),
            "borrower": loan.member.name,
            "bank": loan.bank,
            "amount": str(loan.amount),
            "due_date": loan.due_date.isoformat(),
            "days_overdue": (today - loan.due_date).days,
        },
        source="other",  # Alert.Source.OTHER
        actor=actor,
    )
    if alert.case_id is None:
        # An open case of the household takes the alert, so its cadres see the loan at once.
        case = MonitoringCase.objects.filter(
            household_id=loan.household_id, status__in=MonitoringCase.OPEN_STATUSES
        ).first()
        if case is not None:
            alert.case = case
            alert.save(update_fields=["case"])
    loan.overdue_alert = alert
    loan.save(update_fields=["overdue_alert"])
    return not before


# Project library and funds ---------------------------------------------------------------------


@transaction.atomic
def allocation_add(*, project: LibraryProject, allocation: FundAllocation, actor) -> FundAllocation:
    """Allocate money to a library project; allocations together may not exceed the planned amount."""
    project = LibraryProject.objects.select_for_update().get(pk=project.pk)
    if project.status == LibraryProject.Status.WITHDRAWN:
        raise ValidationError(_("This project has been withdrawn from the library: no money can be allocated to it."))
    already = project.allocations.aggregate(total=Sum("allocated"))["total"] or Decimal("0")
    if already + allocation.allocated > project.planned_amount:
        raise ValidationError(
            {
                "allocated": _(
                    "Allocations would come to %(total)s yuan, more than the project's planned %(planned)s yuan "
                    "(%(left)s yuan left)."
                )
                % {
                    "total": already + allocation.allocated,
                    "planned": project.planned_amount,
                    "left": project.planned_amount - already,
                }
            }
        )
    allocation.project = project
    _recorded(allocation, actor)
    allocation.full_clean()
    allocation.save()
    return allocation


@transaction.atomic
def library_project_save(*, project: LibraryProject, actor=None) -> LibraryProject:
    """Save a library project; its planned amount may not fall below what is already allocated."""
    if project.pk:
        allocated = project.allocations.aggregate(total=Sum("allocated"))["total"] or Decimal("0")
        if project.planned_amount is not None and project.planned_amount < allocated:
            raise ValidationError(
                {
                    "planned_amount": _("%(allocated)s yuan are already allocated: the planned amount cannot be lower.")
                    % {"allocated": allocated}
                }
            )
    return record_save(record=project, actor=actor)
