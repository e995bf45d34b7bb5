"""Assistance and accountability: employment, welfare posts, policy tasks, progress reports,
housing extension, and (on the monitoring cases) assistance plans and measures."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import filter_for_user, scope_of
from portal.validators import PhoneField
from relocation.models import Household, HouseholdScopedQuerySet, Member

money = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class MeasureType(models.TextChoices):
    """The kinds of assistance the policy names (帮扶措施类型)."""

    INDUSTRY = "industry", _("Industry support")
    EMPLOYMENT = "employment", _("Employment services")
    TRAINING = "training", _("Skills training")
    WELFARE_POST = "welfare_post", _("Public-welfare post")
    MICROCREDIT = "microcredit", _("Microcredit")
    HEALTH = "health", _("Health insurance and medical relief")
    EDUCATION = "education", _("Education support")
    HOUSING = "housing", _("Housing safety")
    WATER = "water", _("Drinking water safety")
    SAFETY_NET = "safety_net", _("Minimum living allowance or extreme-poverty support")
    RELIEF = "relief", _("Temporary relief")
    SOCIAL = "social", _("Social help")


class AssistanceSettings(models.Model):
    """Deadlines an administrator sets for the whole district (one row)."""

    measure_deadline_days = models.PositiveSmallIntegerField(
        _("days allowed to a case without any measure"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A monitoring case with no assistance measure this many days after identification is flagged."),
    )
    report_due_days = models.PositiveSmallIntegerField(
        _("days to file a progress report after the period ends"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
    )

    class Meta:
        verbose_name = _("assistance settings")
        verbose_name_plural = _("assistance settings")

    def __str__(self):
        return str(_("Assistance settings"))

    @classmethod
    def current(cls) -> "AssistanceSettings":
        """The one settings row, created with the defaults when missing."""
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


# ---------------------------------------------------------------------------------------------
# Employment, skills training, public-welfare posts
# ---------------------------------------------------------------------------------------------


class EmploymentKind(models.TextChoices):
    LOCAL = "local", _("Employed within the county")
    PROVINCE = "province", _("Employed in the province, outside the county")
    OUTSIDE = "outside", _("Employed outside the province")
    WELFARE_POST = "welfare_post", _("Public-welfare post")
    SELF_EMPLOYED = "self_employed", _("Self-employed")


class EmploymentRecord(models.Model):
    """One spell of a member's employment: where, what kind, from when, for how much (就业记录)."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="employment_records"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="employment_records"
    )
    kind = models.CharField(_("kind of employment"), max_length=14, choices=EmploymentKind.choices)
    employer = models.CharField(_("employer or workplace"), max_length=100)
    job = models.CharField(_("job"), max_length=60, blank=True)
    place = models.CharField(_("place of work"), max_length=60, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    monthly_income = models.DecimalField(_("monthly income (yuan)"), null=True, blank=True, **money)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = HouseholdScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("employment record")
        verbose_name_plural = _("employment records")
        indexes = [
            # The member's current job: WHERE member_id = ? AND end_date IS NULL.
            models.Index(fields=["member", "end_date"], name="employment_member_current"),
        ]

    def __str__(self):
        return f"{self.member} {self.employer}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()


class TrainingRecord(models.Model):
    """A skills training a member attended (技能培训)."""

    class Kind(models.TextChoices):
        AGRICULTURE = "agriculture", _("Practical agricultural techniques")
        VOCATIONAL = "vocational", _("Vocational skills")
        POST = "post", _("Job-specific training")
        STARTUP = "startup", _("Start-up guidance")
        ORDER = "order", _("Order-based training by an employer")
        SCHOOL = "school", _("Technical school, medium or long term")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="training_records"
    )
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField(_("course"), max_length=100)
    kind = models.CharField(_("kind of training"), max_length=12, choices=Kind.choices)
    organizer = models.CharField(_("organizer"), max_length=100, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=False)
    certificate = models.CharField(_("certificate obtained"), max_length=100, blank=True)
    subsidy = models.DecimalField(_("training subsidy (yuan)"), null=True, blank=True, **money)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = HouseholdScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("skills training record")
        verbose_name_plural = _("skills training records")

    def __str__(self):
        return f"{self.member} {self.course}"


class WelfarePostQuerySet(models.QuerySet):
    def for_user(self, user):
        """Posts of the user's townships and settlement sites."""
        return filter_for_user(self, user, township="township", settlement="settlement")


class WelfarePost(models.Model):
    """A public-welfare post (公益性岗位) and who holds it."""

    class Kind(models.TextChoices):
        FOREST = "forest", _("Forest ranger")
        CLEANING = "cleaning", _("Cleaning or security")
        VILLAGE = "village", _("Village affairs")
        WATER = "water", _("Rural water management")
        OTHER = "other", _("Other public-welfare post")

    name = models.CharField(_("post"), max_length=60)
    kind = models.CharField(_("kind of post"), max_length=10, choices=Kind.choices)
    township = models.ForeignKey(
        "settlements.Township", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    settlement = models.ForeignKey(
        "settlements.Settlement",
        verbose_name=_("settlement site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    monthly_pay = models.DecimalField(_("monthly pay (yuan)"), null=True, blank=True, **money)
    holder = models.ForeignKey(
        Member,
        verbose_name=_("holder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="welfare_posts",
    )
    holder_since = models.DateField(_("held since"), null=True, blank=True)
    # The employment record opened when the holder took the post, closed when they leave it.
    employment = models.OneToOneField(
        EmploymentRecord, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="post"
    )
    is_active = models.BooleanField(_("post in use"), default=True)

    history = HistoricalRecords()
    objects = WelfarePostQuerySet.as_manager()

    class Meta:
        ordering = ["township", "kind", "name"]
        verbose_name = _("public-welfare post")
        verbose_name_plural = _("public-welfare posts")

    def __str__(self):
        return self.name


# ---------------------------------------------------------------------------------------------
# Policy tasks and progress reports
# ---------------------------------------------------------------------------------------------


class PolicyTask(models.Model):
    """A numbered measure or work requirement of the policy, with the departments answerable for it."""

    class Section(models.TextChoices):
        MONITORING = "monitoring", _("Prevention monitoring and assistance")
        INDUSTRY = "industry", _("Industry at the settlements")
        EMPLOYMENT = "employment", _("Stable employment")
        SERVICES = "services", _("Supporting services")
        GOVERNANCE = "governance", _("Community governance")
        REQUIREMENTS = "requirements", _("Work requirements")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Half-yearly")

    code = models.CharField(_("code"), max_length=8, unique=True)
    section = models.CharField(_("section"), max_length=14, choices=Section.choices)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("policy text"), blank=True)
    townships_concerned = models.BooleanField(
        _("townships concerned"), default=True, help_text=_("The policy names the townships concerned (有关乡镇).")
    )
    departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("departments"), through="TaskAssignment", related_name="policy_tasks"
    )
    frequency = models.CharField(
        _("reporting frequency"), max_length=12, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("policy task")
        verbose_name_plural = _("policy tasks")

    def __str__(self):
        return f"{self.code} {self.title}"

    def period_of(self, day: datetime.date) -> datetime.date:
        """The first day of the reporting period that contains ``day``."""
        months = {"monthly": 1, "quarterly": 3, "half_yearly": 6}[self.frequency]
        month = (day.month - 1) // months * months + 1
        return datetime.date(day.year, month, 1)

    def period_end(self, period: datetime.date) -> datetime.date:
        """The last day of the reporting period starting on ``period``."""
        months = {"monthly": 1, "quarterly": 3, "half_yearly": 6}[self.frequency]
        month = period.month + months
        year = period.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return datetime.date(year, month, 1) - datetime.timedelta(days=1)

    def previous_period(self, day: datetime.date) -> datetime.date:
        """The first day of the period before the one containing ``day``."""
        return self.period_of(self.period_of(day) - datetime.timedelta(days=1))


def _units_q(scope, prefix: str = "") -> models.Q:
    """The responsible units a scope files for: its department and its own townships (none for the district)."""
    q = models.Q(pk__in=[])
    if scope.department_id:
        q |= models.Q(**{f"{prefix}department_id": scope.department_id})
    if scope.township_ids:
        q |= models.Q(**{f"{prefix}township_id__in": scope.township_ids})
    return q


def _led_tasks_q(scope, prefix: str = "") -> models.Q:
    """Every unit's rows on the tasks the scope's department leads (牵头单位): the lead follows its co-units."""
    if not scope.department_id:
        return models.Q(pk__in=[])
    led = TaskAssignment.objects.filter(department_id=scope.department_id, is_lead=True).values("task_id")
    return models.Q(**{f"{prefix}task_id__in": led})


class TaskAssignmentQuerySet(models.QuerySet):
    def for_user(self, user):
        """Assignments the user may follow: all for the district; else their department's and townships',
        and every unit's on a task their department leads."""
        scope = scope_of(user)
        return self if scope.everything else self.filter(_units_q(scope) | _led_tasks_q(scope))

    def filed_by(self, user):
        """Assignments the user reports on: their department's and their townships' (district-wide: none)."""
        return self.filter(_units_q(scope_of(user)))


class TaskAssignment(models.Model):
    """A unit answerable for a policy task (责任单位): a department, lead (牵头) or cooperating, or a township."""

    task = models.ForeignKey(
        PolicyTask, verbose_name=_("policy task"), on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_assignments",
    )
    township = models.ForeignKey(
        "settlements.Township",
        verbose_name=_("township"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_assignments",
    )
    is_lead = models.BooleanField(_("lead department"), default=False)

    # Who added or removed a township, and when (the district's decisions stay on record).
    history = HistoricalRecords()
    objects = TaskAssignmentQuerySet.as_manager()

    class Meta:
        # Departments first (lead first, in their order), then the townships by division code.
        ordering = ["task", "-is_lead", models.F("department__sort_order").asc(nulls_last=True), "township__code"]
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="assignment_unique"),
            models.UniqueConstraint(fields=["task", "township"], name="assignment_township_unique"),
            models.CheckConstraint(
                condition=models.Q(department__isnull=False, township__isnull=True)
                | models.Q(department__isnull=True, township__isnull=False),
                name="assignment_department_or_township",
                violation_error_message=_("Assign the task either to a department or to a township."),
            ),
        ]

    def __str__(self):
        return f"{self.task.code} {self.unit}"

    @property
    def unit(self):
        """The responsible unit (责任单位): the department or the township."""
        return self.department if self.department_id else self.township

    @property
    def unit_name(self) -> str:
        """The unit's name as tables show it: a department's short name, a township's name."""
        return self.department.short_name if self.department_id else self.township.name


class ProgressReportQuerySet(models.QuerySet):
    def for_user(self, user):
        """Reports the user may read: the district sees all; a department or township its own, and a lead
        department (牵头单位) every unit's on the tasks it leads; others none (docs/assistance.md)."""
        scope = scope_of(user)
        if scope.everything:
            return self
        return self.filter(_units_q(scope, prefix="assignment__") | _led_tasks_q(scope, prefix="assignment__"))


class ProgressReport(models.Model):
    """A responsible unit's report on one policy task for one period (进度报告)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Sent back")
        ACCEPTED = "accepted", _("Accepted")

    assignment = models.ForeignKey(
        TaskAssignment, verbose_name=_("task assignment"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.DateField(_("period"), help_text=_("First day of the reporting period."))
    text = models.TextField(_("progress"))
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "assignment"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        permissions = [("review_progressreport", _("Can accept a progress report or send it back"))]
        constraints = [models.UniqueConstraint(fields=["assignment", "period"], name="report_once_per_period")]

    def __str__(self):
        return f"{self.assignment} {self.period:%Y-%m}"


def income_proof_path(instance, filename):
    """A random stored name: a housing extension's income-proof scan is served only through a scoped view."""
    from portal.files import random_name

    return random_name("assistance/housing", filename)


def attachment_path(instance, filename):
    """A random stored name (the original is kept in ``name`` for the download)."""
    from portal.files import random_name

    return random_name("assistance/reports", filename)


class ReportAttachment(models.Model):
    """A file filed with a progress report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=120)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")

    def __str__(self):
        return self.name


class LateReport(models.Model):
    """A responsible unit that had not reported on a task when the period's deadline passed: flagged once."""

    assignment = models.ForeignKey(TaskAssignment, on_delete=models.CASCADE, related_name="late_reports")
    period = models.DateField(_("period"))
    due_date = models.DateField(_("due date"))
    flagged_at = models.DateTimeField(_("flagged at"), default=timezone.now)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("late progress report")
        verbose_name_plural = _("late progress reports")
        constraints = [models.UniqueConstraint(fields=["assignment", "period"], name="late_report_once")]

    def __str__(self):
        return f"{self.assignment} {self.period:%Y-%m}"


# ---------------------------------------------------------------------------------------------
# Housing extension (加层扩建)
# ---------------------------------------------------------------------------------------------


class HousingExtension(models.Model):
    """A one-house-one-homestead household's application to extend its house, and its three steps."""

    class Funding(models.TextChoices):
        SAVINGS = "savings", _("Own savings")
        LOAN = "loan", _("Bank loan")
        BORROWED = "borrowed", _("Money borrowed from others")
        MIXED = "mixed", _("Savings and loans")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied, awaiting village-group review")
        VILLAGE_APPROVED = "village_approved", _("Village group agreed, awaiting township approval")
        APPROVED = "approved", _("Approved by the township")
        REJECTED = "rejected", _("Refused")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="housing_extensions"
    )
    applied_on = models.DateField(_("application date"), default=timezone.localdate)
    income_proof = models.TextField(
        _("proof of the household's own income"),
        blank=True,
        help_text=_("What proves the income: wage slips, bank statements, business income..."),
    )
    income_proof_file = models.FileField(_("income proof (scan)"), upload_to=income_proof_path, blank=True)
    savings_commitment = models.BooleanField(_("commits to pay from its own savings"), default=False)
    funding_source = models.CharField(_("funding source"), max_length=10, choices=Funding.choices)
    planned_area = models.DecimalField(
        _("planned extra area (m²)"), max_digits=7, decimal_places=2, validators=[MinValueValidator(1)]
    )
    estimated_cost = models.DecimalField(_("estimated cost (yuan)"), null=True, blank=True, **money)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLIED)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    village_opinion = models.TextField(_("village-group opinion"), blank=True)
    village_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("village review recorded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    village_reviewed_at = models.DateTimeField(_("village review at"), null=True, blank=True)
    township_opinion = models.TextField(_("township opinion"), blank=True)
    township_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("township decision by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    township_decided_at = models.DateTimeField(_("township decision at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = HouseholdScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_on", "-pk"]
        verbose_name = _("housing extension application")
        verbose_name_plural = _("housing extension applications")
        permissions = [
            ("review_housingextension", _("Can record the village group's review of a housing extension")),
            ("approve_housingextension", _("Can decide a housing extension for the township")),
        ]

    def __str__(self):
        return f"{self.household} {self.applied_on:%Y-%m-%d}"


class MeasureSuggestion(models.Model):
    """The editable catalogue: for a risk type, the measures a plan should consider (是什么困难就帮扶什么)."""

    risk_type = models.CharField(_("risk type"), max_length=30, db_index=True)
    measure_type = models.CharField(_("measure type"), max_length=14, choices=MeasureType.choices)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("responsible department"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("suggested measure"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["risk_type", "sort_order", "pk"]
        verbose_name = _("measure suggestion")
        verbose_name_plural = _("measure suggestions")
        constraints = [
            models.UniqueConstraint(fields=["risk_type", "measure_type", "department"], name="suggestion_unique")
        ]

    def __str__(self):
        return self.description


# ---------------------------------------------------------------------------------------------
# Assistance plans and measures (帮扶方案、帮扶措施)
# ---------------------------------------------------------------------------------------------


class AssistancePlanQuerySet(HouseholdScopedQuerySet):
    def for_user(self, user):
        """Plans of the user's townships and sites; bureau staff reach measures, never whole plans."""
        return filter_for_user(self, user, township="household__township", settlement="household__settlement")


class AssistancePlan(models.Model):
    """A household's assistance plan, drawn up for a monitoring case or, outside one, for the household."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        COMPLETED = "completed", _("Completed")
        CLOSED = "closed", _("Closed")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="assistance_plans"
    )
    case = models.ForeignKey(
        "monitoring.MonitoringCase",
        verbose_name=_("monitoring case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assistance_plans",
    )
    summary = models.TextField(_("difficulties and aims"))
    drawn_up_on = models.DateField(_("drawn up on"), default=timezone.localdate)
    drawn_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn up by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = AssistancePlanQuerySet.as_manager()

    class Meta:
        ordering = ["-drawn_up_on", "-pk"]
        verbose_name = _("assistance plan")
        verbose_name_plural = _("assistance plans")

    def __str__(self):
        return f"{self.household.head_name} {self.drawn_up_on:%Y-%m-%d}"


class MeasureQuerySet(models.QuerySet):
    def for_user(self, user):
        """Measures of the user's townships and sites, plus those assigned to the user's department."""
        scope = scope_of(user)
        q = scope.q(township="household__township", settlement="household__settlement")
        if q is None:
            return self
        if scope.department_id:
            q |= models.Q(department_id=scope.department_id) & ~models.Q(status=Measure.Status.CANCELLED)
        return self.filter(q)


class Measure(models.Model):
    """One assistance measure of a plan, with the department and cadre answerable for it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(AssistancePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="measures")
    # Copied from the plan so that a department's households are one indexed lookup away.
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="assistance_measures"
    )
    measure_type = models.CharField(_("measure type"), max_length=14, choices=MeasureType.choices)
    description = models.CharField(_("measure"), max_length=200)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="assistance_measures",
    )
    cadre = models.CharField(_("cadre responsible (帮扶责任人)"), max_length=50)
    cadre_phone = PhoneField(_("cadre's phone"), blank=True)
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), null=True, blank=True, **money)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    outcome = models.TextField(_("outcome"), blank=True)
    suggestion = models.ForeignKey(
        MeasureSuggestion, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "start_date", "pk"]
        verbose_name = _("assistance measure")
        verbose_name_plural = _("assistance measures")
        permissions = [("report_measure", _("Can update the status and outcome of a measure of one's department"))]
        indexes = [
            # A department's measures and households: WHERE department_id = ? AND status <> 'cancelled'.
            models.Index(fields=["department", "status"], name="measure_department_status"),
        ]

    def __str__(self):
        return self.description
