"""The monitoring loop (防返贫监测): ledgers, return visits, thresholds, screening, alerts and cases.

Read ``docs/monitoring.md`` for how the pieces fit; ``services.py`` holds every write with rules and
``screening.py`` the set-based rules themselves.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.scope import filter_for_department
from portal.months import first_of_month, month_index
from relocation.models import FiguresQuerySetMixin, Household, HouseholdScopedQuerySet

from . import income, procedure_defaults

MONEY = {"max_digits": 12, "decimal_places": 2, "default": Decimal("0"), "validators": [MinValueValidator(0)]}


class RiskType(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    DISABILITY = "disability", _("Disability")
    SCHOOLING = "schooling", _("Schooling costs")
    DISASTER = "disaster", _("Natural disaster")
    ACCIDENT = "accident", _("Accident")
    INDUSTRY_FAILURE = "industry_failure", _("Failed industry project")
    UNSTABLE_EMPLOYMENT = "unstable_employment", _("Unstable employment")
    LACK_OF_LABOUR = "lack_of_labour", _("Lack of labour")
    HOUSING_SAFETY = "housing_safety", _("Housing safety")
    DRINKING_WATER = "drinking_water", _("Drinking water safety")
    OTHER = "other", _("Other")


class IncomeSource(models.TextChoices):
    ANNUAL = "annual", _("Annual accounting where present, else the monthly ledger")
    LEDGER = "ledger", _("Monthly ledger only")


class Thresholds(models.Model):
    """The year's monitoring thresholds, set by an administrator (never constants in code)."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2020), MaxValueValidator(2100)]
    )
    income_line = models.DecimalField(
        _("monitoring income line (yuan per person per year)"), max_digits=10, decimal_places=2
    )
    warning_multiplier = models.DecimalField(
        _("early-warning multiplier"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.5"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_("A household is warned when its per-capita income is below the line times this multiplier."),
    )
    income_drop_percent = models.PositiveSmallIntegerField(
        _("income drop (%)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Warn when a month's income falls this much below the average of the preceding months."),
    )
    drop_baseline_months = models.PositiveSmallIntegerField(
        _("months compared for an income drop"), default=3, validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    medical_expense_threshold = models.DecimalField(
        _("medical expense threshold (yuan per 12 months)"), max_digits=10, decimal_places=2, default=Decimal("5000")
    )
    schooling_expense_threshold = models.DecimalField(
        _("schooling expense threshold (yuan per 12 months)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("10000"),
    )
    observation_months = models.PositiveSmallIntegerField(
        _("observation months before elimination"), default=6, validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    visit_interval_normal = models.PositiveSmallIntegerField(
        _("visit interval, ordinary household (days)"), default=90, validators=[MinValueValidator(1)]
    )
    visit_interval_monitored = models.PositiveSmallIntegerField(
        _("visit interval, monitoring object (days)"), default=30, validators=[MinValueValidator(1)]
    )
    visit_interval_eliminated = models.PositiveSmallIntegerField(
        _("visit interval, risk eliminated (days)"), default=60, validators=[MinValueValidator(1)]
    )
    verification_days = models.PositiveSmallIntegerField(
        _("days to verify an alert"), default=3, validators=[MinValueValidator(1)]
    )
    review_days = models.PositiveSmallIntegerField(
        _("days for the township review"), default=5, validators=[MinValueValidator(1)]
    )
    approval_days = models.PositiveSmallIntegerField(
        _("days for the district approval"), default=7, validators=[MinValueValidator(1)]
    )
    # Net income (monitoring/income.py): which costs the year's rules deduct from income.
    deduct_production_cost = models.BooleanField(
        _("deduct production and business costs"),
        default=True,
        help_text=_("Per-capita net income is income less production and business costs (生产经营性支出)."),
    )
    deduct_medical_expense = models.BooleanField(
        _("deduct medical expenses"),
        default=False,
        help_text=_("Deduct the out-of-pocket medical expenses too, where the province's rules say so this year."),
    )
    deduct_schooling_expense = models.BooleanField(
        _("deduct schooling expenses"),
        default=False,
        help_text=_("Deduct the schooling expenses too, where the province's rules say so this year."),
    )
    income_source = models.CharField(
        _("income source for screening"),
        max_length=8,
        choices=IncomeSource.choices,
        default=IncomeSource.ANNUAL,
        help_text=_("Where a household has an annual income accounting of last year or this year, use it."),
    )
    min_ledger_months = models.PositiveSmallIntegerField(
        _("months of ledger needed to know the income"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("With fewer monthly ledgers in the last 12 months the income is not known (never annualised)."),
    )
    quiet_days = models.PositiveSmallIntegerField(
        _("quiet period after a dismissed alert (days)"),
        default=90,
        validators=[MaxValueValidator(366)],
        help_text=_("A rule stays quiet this long after its last alert on a household was dismissed."),
    )
    quiet_margin_percent = models.PositiveSmallIntegerField(
        _("margin that breaks the quiet period (%)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Unless the figure got worse than the dismissed alert's by this much."),
    )
    # The monitoring procedure (monitoring/procedure.py): each step's deadline counts from the step before.
    household_check_days = models.PositiveSmallIntegerField(
        _("days for the household check"), default=3, validators=[MinValueValidator(1)]
    )
    cross_check_days = models.PositiveSmallIntegerField(
        _("days for the department cross-check"), default=5, validators=[MinValueValidator(1)]
    )
    village_review_days = models.PositiveSmallIntegerField(
        _("days for the village review"), default=3, validators=[MinValueValidator(1)]
    )
    identification_notice_days = models.PositiveSmallIntegerField(
        _("public notice of an identification (days, at least)"), default=5, validators=[MinValueValidator(1)]
    )
    elimination_notice_days = models.PositiveSmallIntegerField(
        _("public notice of a risk elimination (days, at least)"), default=7, validators=[MinValueValidator(1)]
    )
    identification_total_days = models.PositiveSmallIntegerField(
        _("days from clue to district confirmation"), default=15, validators=[MinValueValidator(1)]
    )
    elimination_line = models.CharField(
        _("line income must stay above for elimination"),
        max_length=8,
        choices=[("line", _("The monitoring income line")), ("warning", _("The warning line (line × multiplier)"))],
        default="line",
    )
    continuing_measure_types = models.JSONField(
        _("measure types that continue after elimination"),
        default=procedure_defaults.continuing_measure_types,
        blank=True,
        help_text=_("Open measures of these types do not stop an elimination (microcredit, welfare post, 雨露计划)."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True, on_delete=models.SET_NULL
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("monitoring thresholds")
        verbose_name_plural = _("monitoring thresholds")

    def __str__(self):
        return _("Thresholds of %(year)s") % {"year": self.year}

    @classmethod
    def for_date(cls, day: datetime.date | None = None) -> "Thresholds | None":
        """The thresholds in force on ``day``: that year's, else the latest earlier year's."""
        day = day or timezone.localdate()
        return cls.objects.filter(year__lte=day.year).order_by("-year").first()

    @property
    def warning_line(self) -> Decimal:
        return (self.income_line * self.warning_multiplier).quantize(Decimal("0.01"))

    def deducted_labels(self) -> list[str]:
        """The costs this year's rules deduct from income, by their names on the ledger."""
        return [str(LedgerEntry._meta.get_field(f).verbose_name) for f in income.deducted(self)]

    def visit_interval(self, status: str) -> int:
        """Days between visits for a household of this monitoring status."""
        return {
            Household.Status.MONITORED: self.visit_interval_monitored,
            Household.Status.ELIMINATED: self.visit_interval_eliminated,
        }.get(status, self.visit_interval_normal)


class FiguredQuerySet(FiguresQuerySetMixin, HouseholdScopedQuerySet):
    """Ledger entries and visits: scoped through their household; ``update()`` keeps the figures."""


class LedgerEntry(models.Model):
    """One month of a household's monitoring ledger (监测台账): income, rigid spending, employment."""

    class Source(models.TextChoices):
        FORM = "form", _("Entered by form")
        VISIT = "visit", _("Recorded on a visit")
        IMPORT = "import", _("Imported from a workbook")

    class Integration(models.TextChoices):
        GOOD = "good", _("Well integrated")
        FAIR = "fair", _("Partly integrated")
        POOR = "poor", _("Not integrated")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="ledger_entries"
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month the entry covers."))
    # Integer form of the period so that window arithmetic in SQL is portable (see month_index).
    month_index = models.PositiveIntegerField(_("month index"), editable=False)
    household_size = models.PositiveSmallIntegerField(
        _("household size"), validators=[MinValueValidator(1)], help_text=_("Members living in the household.")
    )
    wage_income = models.DecimalField(_("wage income"), **MONEY)
    business_income = models.DecimalField(_("production and business income"), **MONEY)
    property_income = models.DecimalField(_("property income"), **MONEY)
    transfer_income = models.DecimalField(_("transfer income"), **MONEY)
    production_cost = models.DecimalField(_("production and business costs"), **MONEY)
    medical_expense = models.DecimalField(_("medical expense"), **MONEY)
    schooling_expense = models.DecimalField(_("schooling expense"), **MONEY)
    employed_members = models.PositiveSmallIntegerField(_("employed members"), null=True, blank=True)
    # [{"member": id, "name": ..., "employment": Member.Employment value}] at the time of the entry.
    member_employment = models.JSONField(_("employment of working-age members"), default=list, blank=True)
    community_integration = models.CharField(
        _("community integration"), max_length=8, choices=Integration.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.FORM)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Imported in bulk as Household and Member: no database-level check of each history row's user.
    history = HistoricalRecords(excluded_fields=["updated_at", "month_index"], user_db_constraint=False)
    objects = FiguredQuerySet.as_manager()

    class Meta:
        ordering = ["household", "-period"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [models.UniqueConstraint(fields=["household", "period"], name="ledger_one_per_month")]
        indexes = [
            # Screening reads each household's months in order: (household_id, month_index) covers it.
            models.Index(fields=["household", "month_index"], name="ledger_household_month"),
            # Incremental screening: WHERE updated_at >= last run's start.
            models.Index(fields=["updated_at"], name="ledger_updated"),
        ]

    def __str__(self):
        return f"{self.household_id} {self.period:%Y-%m}"

    def save(self, *args, **kwargs):
        self.period = first_of_month(self.period)
        self.month_index = month_index(self.period)
        super().save(*args, **kwargs)

    def clean(self):
        if self.period and self.period.day != 1:
            self.period = first_of_month(self.period)
        if self.period and self.period > timezone.localdate():
            raise ValidationError({"period": _("The month cannot be in the future.")})
        check_costs(self)

    @property
    def total_income(self) -> Decimal:
        return income.gross(self)

    @property
    def rigid_expense(self) -> Decimal:
        return self.medical_expense + self.schooling_expense

    def net_income(self, thresholds=None) -> Decimal:
        return income.net(self, thresholds if thresholds is not None else Thresholds.for_date(self.period))

    @property
    def per_capita_annualized(self) -> Decimal | None:
        """This month's net income per person, as a yearly figure (a chart point, never the year's income).
        Set ``thresholds`` on the entry to spare a query per entry."""
        thresholds = getattr(self, "thresholds", None) or Thresholds.for_date(self.period)
        return income.per_capita(self, thresholds)


def check_costs(record) -> None:
    """Bad input of a ledger month or an annual record: production costs larger than all income."""
    if income.gross(record) < (record.production_cost or 0):
        raise ValidationError(
            {"production_cost": _("Production and business costs cannot be larger than the income of all kinds.")}
        )


class AnnualIncome(models.Model):
    """A household's annual income accounting (年度收入核算): once a year, and at identification and elimination.

    Where the year's thresholds say so, screening and the figures use the latest accounting of last
    year or this year instead of the monthly ledgers (see ``monitoring/income.py``).
    """

    class Source(models.TextChoices):
        FORM = "form", _("Entered by form")
        IMPORT = "import", _("Imported from a workbook")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="annual_incomes"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2015), MaxValueValidator(2100)])
    household_size = models.PositiveSmallIntegerField(
        _("household size"), validators=[MinValueValidator(1)], help_text=_("Members counted in the accounting.")
    )
    wage_income = models.DecimalField(_("wage income"), **MONEY)
    business_income = models.DecimalField(_("production and business income"), **MONEY)
    property_income = models.DecimalField(_("property income"), **MONEY)
    transfer_income = models.DecimalField(_("transfer income"), **MONEY)
    production_cost = models.DecimalField(_("production and business costs"), **MONEY)
    medical_expense = models.DecimalField(_("medical expense"), **MONEY)
    schooling_expense = models.DecimalField(_("schooling expense"), **MONEY)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.FORM)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], user_db_constraint=False)
    objects = FiguredQuerySet.as_manager()

    class Meta:
        ordering = ["household", "-year"]
        verbose_name = _("annual income accounting")
        verbose_name_plural = _("annual income accountings")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="annual_income_one_per_year")]
        indexes = [
            models.Index(fields=["year", "household"], name="annual_income_year"),
            # Incremental screening: the accountings changed since the last run.
            models.Index(fields=["updated_at"], name="annual_income_updated"),
        ]

    def __str__(self):
        return f"{self.household_id} {self.year}"

    def clean(self):
        if self.year and self.year > timezone.localdate().year:
            raise ValidationError({"year": _("The accounting year cannot be in the future.")})
        if self.household_size is not None and self.household_size < 1:
            raise ValidationError({"household_size": _("The household size must be at least 1.")})
        check_costs(self)

    @property
    def total_income(self) -> Decimal:
        return income.gross(self)

    def net_income(self, thresholds=None) -> Decimal:
        return income.net(self, thresholds if thresholds is not None else Thresholds.for_date())

    def per_capita(self, thresholds=None) -> Decimal | None:
        return income.per_capita(self, thresholds if thresholds is not None else Thresholds.for_date(), months=12)


class Visit(models.Model):
    """A return visit (回访) at the household's door."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("visit date"))
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("visitors"), blank=True, related_name="monitoring_visits"
    )
    other_visitors = models.CharField(_("other visitors"), max_length=100, blank=True)
    findings = models.TextField(_("findings"))
    difficulties = models.TextField(_("difficulties"), blank=True)
    next_visit_on = models.DateField(_("next visit due"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[visitors])
    objects = FiguredQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        indexes = [
            # The latest visit of a household (its due date): WHERE household_id = ? ORDER BY visited_on DESC.
            models.Index(fields=["household", "-visited_on"], name="visit_household_latest"),
            # Incremental overdue screening: next visits that fell due since the last run.
            models.Index(fields=["next_visit_on"], name="visit_next_due"),
            # Incremental screening: visits recorded since the last run.
            models.Index(fields=["created_at"], name="visit_created"),
        ]

    def __str__(self):
        return f"{self.household_id} {self.visited_on}"


def visit_photo_path(instance, filename):
    """A random name in a dated folder: neither the visit's id nor the original name can be guessed."""
    from portal.files import random_name

    return random_name(f"visits/{instance.visit.visited_on:%Y/%m}", filename)


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=visit_photo_path)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self):
        return self.image.name


class AlertQuerySet(HouseholdScopedQuerySet):
    def open(self):
        """Alerts waiting for a cadre's verification."""
        return self.filter(status=Alert.Status.OPEN)


class Alert(models.Model):
    """A warning that a household may be sliding back (预警): raised by screening, a roster, or a person."""

    class Rule(models.TextChoices):
        INCOME_LOW = "income_low", _("Per-capita income below the warning line")
        INCOME_DROP = "income_drop", _("Sharp income drop")
        ZERO_EMPLOYMENT = "zero_employment", _("Zero-employment household")
        MEDICAL_EXPENSE = "medical_expense", _("High medical expense")
        SCHOOLING_EXPENSE = "schooling_expense", _("High schooling expense")
        VISIT_OVERDUE = "visit_overdue", _("Return visit overdue")
        ROSTER_HIT = "roster_hit", _("Department data screening")
        SELF_APPLICATION = "self_application", _("Household's own application")
        CADRE_CHECK = "cadre_check", _("Reported by a cadre")
        HAZARD = "hazard", _("Serious household hazard")
        LOAN_OVERDUE = "loan_overdue", _("Loan overdue")
        # From the 两不愁三保障 and drinking-water assessments (monitoring/screening.py: assessment_rules_sql).
        OUT_OF_SCHOOL = "out_of_school", _("A school-age member out of school")
        UNINSURED = "uninsured", _("A member without basic medical insurance this year")
        UNSAFE_HOUSING = "unsafe_housing", _("House graded C or D")
        UNSAFE_WATER = "unsafe_water", _("Drinking water not safe")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting verification")
        DISMISSED = "dismissed", _("Dismissed")
        IDENTIFIED = "identified", _("Identified as monitoring object")

    class Source(models.TextChoices):
        SCREENING = "screening", _("System screening")
        ROSTER = "roster", _("Department roster")
        APPLICATION = "application", _("Application or report")
        OTHER = "other", _("Other")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="alerts"
    )
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    period = models.DateField(_("period"), null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    # The figure the rule compared (per-capita income, drop %, expense): a quiet period after a
    # dismissal is broken only when the figure got worse than the dismissed alert's.
    measure = models.DecimalField(_("measure"), max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(_("source"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True)
    case = models.ForeignKey(
        "MonitoringCase",
        verbose_name=_("monitoring case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )

    history = HistoricalRecords(excluded_fields=["evidence"])
    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            # Idempotency of screening and of alert_raise: one alert per household, rule and period.
            models.UniqueConstraint(fields=["household", "rule", "period"], name="alert_once_per_period"),
            models.UniqueConstraint(
                fields=["household", "rule"], condition=Q(period__isnull=True), name="alert_once_without_period"
            ),
        ]
        indexes = [
            # The queue: WHERE status = 'open' ORDER BY created_at.
            models.Index(fields=["status", "created_at"], name="alert_status_created"),
        ]

    def __str__(self):
        return f"{self.get_rule_display()} {self.period or ''}"

    def evidence_rows(self) -> list[tuple[str, str]]:
        """The evidence with Chinese labels, units and formatted values (monitoring/evidence.py)."""
        from .evidence import rows

        return rows(self.evidence)

    def verification_due(self, thresholds: "Thresholds | None") -> datetime.date | None:
        if thresholds is None:
            return None
        return timezone.localdate(self.created_at) + datetime.timedelta(days=thresholds.verification_days)


class MonitoringCase(models.Model):
    """A monitoring object's case (监测对象): from identification through assistance to risk elimination."""

    class ObjectType(models.TextChoices):
        UNSTABLE = "unstable", _("Unstable out-of-poverty household")
        MARGINAL = "marginal", _("Marginal household prone to poverty")
        SUDDEN = "sudden", _("Household in sudden severe difficulty")

    class Channel(models.TextChoices):
        SELF_APPLICATION = "self_application", _("Household's own application")
        DEPARTMENT_SCREENING = "department_screening", _("Department data screening")
        CADRE_CHECK = "cadre_check", _("Grassroots cadre check")
        SYSTEM_SCREENING = "system_screening", _("System screening")

    class Status(models.TextChoices):
        # The values predate the step chain; the labels say what they mean now (see monitoring/procedure.py).
        IDENTIFIED = "identified", _("Identification in progress")
        REVIEWED = "reviewed", _("Reviewed by the township, awaiting district confirmation")
        APPROVED = "approved", _("Approved, under assistance")
        LONG_TERM = "long_term", _("Long-term tracking under the safety net")
        ELIMINATED = "eliminated", _("Risk eliminated")
        REVOKED = "revoked", _("Not approved")

    OPEN_STATUSES = [Status.IDENTIFIED, Status.REVIEWED, Status.APPROVED, Status.LONG_TERM]

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="monitoring_cases"
    )
    object_type = models.CharField(_("object type"), max_length=10, choices=ObjectType.choices)
    risk_types = models.JSONField(_("risk types"), default=list)
    discovery_channel = models.CharField(_("discovery channel"), max_length=22, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IDENTIFIED)
    identified_at = models.DateField(_("identified on"))
    identified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("identified by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    eliminated_at = models.DateField(_("risk eliminated on"), null=True, blank=True)
    eliminated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eliminated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    # Where the case stands in its procedure (monitoring/procedure.py); kept as the steps are recorded.
    procedure = models.CharField(_("procedure under way"), max_length=14, blank=True)
    procedure_run = models.PositiveSmallIntegerField(_("elimination runs"), default=0)
    next_step = models.CharField(_("next step"), max_length=24, blank=True)
    step_since = models.DateField(_("waiting since"), null=True, blank=True)
    fast_lane = models.BooleanField(
        _("fast lane (help before identification ends)"),
        default=False,
        help_text=_("绿色通道: the household is a monitoring object at once; the chain completes afterwards."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = HouseholdScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-identified_at", "-pk"]
        verbose_name = _("monitoring case")
        verbose_name_plural = _("monitoring cases")
        permissions = [
            ("review_monitoringcase", _("Can review a monitoring case (township)")),
            ("approve_monitoringcase", _("Can confirm a monitoring case at district level")),
            ("eliminate_monitoringcase", _("Can eliminate the risk of a monitoring case")),
        ]
        constraints = [
            # A household has at most one open case; a new risk joins it.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status__in=["identified", "reviewed", "approved", "long_term"]),
                name="case_one_open_per_household",
            )
        ]
        indexes = [models.Index(fields=["status", "identified_at"], name="case_status_identified")]

    def __str__(self):
        return f"{self.get_object_type_display()} {self.identified_at}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def risk_type_labels(self) -> list[str]:
        labels = dict(RiskType.choices)
        return [str(labels.get(r, r)) for r in self.risk_types]


class Application(models.Model):
    """A household's own application for help (农户自主申请), or a cadre's report, as recorded by staff."""

    class Channel(models.TextChoices):
        SELF_APPLICATION = "self_application", _("Household's own application")
        CADRE_CHECK = "cadre_check", _("Grassroots cadre check")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="applications"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.SELF_APPLICATION)
    applied_on = models.DateField(_("date of application"))
    applicant = models.CharField(_("applicant"), max_length=50)
    risk_types = models.JSONField(_("risk types"), default=list, blank=True)
    description = models.TextField(_("difficulty described"))
    alert = models.OneToOneField(
        Alert, verbose_name=_("alert"), null=True, blank=True, on_delete=models.SET_NULL, related_name="application"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = HouseholdScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_on", "-pk"]
        verbose_name = _("application for help")
        verbose_name_plural = _("applications for help")

    def __str__(self):
        return f"{self.applicant} {self.applied_on}"


class RosterQuerySet(models.QuerySet):
    def for_user(self, user):
        """Rosters of the user's own department; district-wide users see them all."""
        return filter_for_department(self, user)


class DepartmentRoster(models.Model):
    """A roster a bureau uploads for department data screening (部门数据筛查)."""

    class Fact(models.TextChoices):
        MEDICAL_COST = "medical_cost", _("High medical out-of-pocket cost")
        DISABILITY = "disability", _("Disability registration")
        UNEMPLOYMENT = "unemployment", _("Unemployment registration")
        DISASTER = "disaster", _("Disaster loss")
        SCHOOLING_COST = "schooling_cost", _("High schooling cost")
        OTHER = "other", _("Other")

    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="monitoring_rosters"
    )
    fact = models.CharField(_("fact"), max_length=16, choices=Fact.choices)
    period = models.DateField(_("as of"), help_text=_("The date the department's data refers to."))
    title = models.CharField(_("title"), max_length=100)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    matched_count = models.PositiveIntegerField(_("matched rows"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = RosterQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("department roster")
        verbose_name_plural = _("department rosters")

    def __str__(self):
        return self.title


class RosterRow(models.Model):
    """One row of a roster: matched to a member by ID number (交办), or reported back unmatched."""

    roster = models.ForeignKey(
        DepartmentRoster, verbose_name=_("roster"), on_delete=models.CASCADE, related_name="rows"
    )
    row_number = models.PositiveIntegerField(_("row"))
    id_number = models.CharField(_("ID number"), max_length=18)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    member = models.ForeignKey(
        "relocation.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    township = models.ForeignKey(
        "settlements.Township",
        verbose_name=_("township"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), null=True, blank=True, on_delete=models.SET_NULL, related_name="roster_rows"
    )
    problem = models.CharField(_("problem"), max_length=300, blank=True)

    class Meta:
        ordering = ["roster", "row_number"]
        verbose_name = _("roster row")
        verbose_name_plural = _("roster rows")

    def __str__(self):
        return f"{self.roster_id}:{self.row_number}"


class ScreeningRun(models.Model):
    """One run of the screening job: what it covered, when, and how many alerts it added."""

    class Mode(models.TextChoices):
        FULL = "full", _("Full")
        INCREMENTAL = "incremental", _("Incremental")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")
        INTERRUPTED = "interrupted", _("Interrupted")

    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    as_of = models.DateField(_("as of"))
    since = models.DateTimeField(_("changes since"), null=True, blank=True)
    thresholds = models.ForeignKey(Thresholds, verbose_name=_("thresholds"), null=True, on_delete=models.SET_NULL)
    thresholds_version = models.DateTimeField(_("thresholds version"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    alerts_raised = models.PositiveIntegerField(_("alerts raised"), default=0)
    error = models.TextField(_("error"), blank=True)
    # Liveness of a running run: its worker beats every few seconds from a thread; a run whose beats
    # stopped (the worker was killed) is marked interrupted by the next run, which also ends the
    # database session (PostgreSQL backend process) that may still be executing its statement.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    backend_pid = models.PositiveIntegerField(_("database session"), null=True, blank=True)
    # When staff were told of the alerts this run stamped (monitoring.digest.screening_alerts_notify);
    # empty while nobody was: the next run's notice then includes them (a killed run's alerts too).
    # Kept per run, not per alert: marking the 400,000 alerts of a first run at a million households
    # took longer than raising them.
    notified_at = models.DateTimeField(_("staff notified at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")

    def __str__(self):
        return f"{self.get_mode_display()} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


# The procedure's records (steps, notices, assessments) live in their own module.
from .procedure_models import (  # noqa: E402, F401
    Assessment,
    AssessmentMember,
    CaseStep,
    Objection,
    ObjectionOffice,
    Procedure,
    PublicNotice,
    StepEvidence,
    StepKind,
)
