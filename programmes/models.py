"""The policy's measures kept as ledgers of their own: assistance workshops and employers, work-for-relief
projects, microcredit and start-up loans, products and sales channels, benefit linkage, and the
follow-up support project library with its funds.

Every model holding a site's or a household's data is read through ``for_user`` (the one scope gate)
and keeps its history.
"""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import filter_for_user
from relocation.models import Household, HouseholdScopedQuerySet, Member
from settlements.models.base import SiteLedgerRecord

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}
ZERO = Decimal("0")


def months_later(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later, the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


class ProgrammeSettings(models.Model):
    """Figures an administrator sets for the whole district (one row)."""

    loan_overdue_days = models.PositiveSmallIntegerField(
        _("days a loan may be overdue before an alert"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A loan unpaid this many days after its due date raises a monitoring alert for the household."),
    )
    many_workers = models.PositiveSmallIntegerField(
        _("relocated workers that make an employer eligible for preferential support"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("Policy 三、3: employers absorbing many relocated workers get preferential loans and support."),
    )

    class Meta:
        verbose_name = _("programme settings")
        verbose_name_plural = _("programme settings")

    def __str__(self):
        return str(_("Programme settings"))

    @classmethod
    def current(cls) -> "ProgrammeSettings":
        """The one settings row, created with the defaults when missing."""
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class RecordedMixin(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        abstract = True


class PlaceQuerySet(models.QuerySet):
    def for_user(self, user):
        """Rows of the user's townships, and of the sites assigned to the user."""
        return filter_for_user(self, user, township="township", settlement="settlement")


class PlacedMixin(models.Model):
    """A township, and optionally one of its settlement sites."""

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

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.settlement_id and self.township_id and self.settlement.township_id != self.township_id:
            raise ValidationError({"settlement": _("This settlement site is not in the chosen township.")})


# ---------------------------------------------------------------------------------------------
# Assistance workshops and employers (帮扶车间、就业基地; 二、2 and 三、3)
# ---------------------------------------------------------------------------------------------


class Workshop(SiteLedgerRecord):
    """An assistance workshop, base or enterprise near a site that employs relocated people."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Assistance workshop (帮扶车间)")
        BASE = "base", _("Planting or breeding base")
        EMPLOYMENT_BASE = "employment_base", _("Employment base (就业基地)")
        ENTERPRISE = "enterprise", _("Industrial-park enterprise")
        INCUBATOR = "incubator", _("Start-up park or incubator")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    operator = models.CharField(_("operator"), max_length=100, help_text=_("The enterprise or person running it."))
    industry = models.CharField(_("products or trade"), max_length=100, blank=True)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    subsidy = models.DecimalField(_("subsidy received (yuan)"), null=True, blank=True, **MONEY)
    contact = models.CharField(_("contact person"), max_length=50, blank=True)
    is_active = models.BooleanField(_("operating"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["settlement", "name"]
        verbose_name = _("assistance workshop or employer")
        verbose_name_plural = _("assistance workshops and employers")

    def __str__(self):
        return self.name


class WorkshopWorkerQuerySet(models.QuerySet):
    def for_user(self, user):
        """Workers of the workshops in the user's scope."""
        return filter_for_user(self, user, township="workshop__settlement__township", settlement="workshop__settlement")

    def current(self, on: datetime.date | None = None):
        """Workers still working there on ``on`` (today)."""
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=on))


class WorkshopWorker(RecordedMixin):
    """A relocated member working at a workshop or employer, from one date to another."""

    workshop = models.ForeignKey(Workshop, verbose_name=_("employer"), on_delete=models.CASCADE, related_name="workers")
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+")
    job = models.CharField(_("job"), max_length=60, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    monthly_wage = models.DecimalField(_("monthly wage (yuan)"), null=True, blank=True, **MONEY)
    # The member's employment record, so that the employment ledger knows the employer.
    employment = models.OneToOneField(
        "assistance.EmploymentRecord",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="workshop_worker",
    )

    history = HistoricalRecords()
    objects = WorkshopWorkerQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("workshop worker")
        verbose_name_plural = _("workshop workers")

    def __str__(self):
        return f"{self.member.name} @ {self.workshop.name}"

    def clean(self):
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})


# ---------------------------------------------------------------------------------------------
# Work-for-relief projects (以工代赈; 三、4)
# ---------------------------------------------------------------------------------------------


class ReliefProject(PlacedMixin, RecordedMixin):
    """A 以工代赈 construction project that employs relocated people and pays them wages."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        BUILDING = "building", _("Under construction")
        COMPLETED = "completed", _("Completed")

    name = models.CharField(_("project"), max_length=120)
    owner_unit = models.CharField(_("implementing unit"), max_length=100)
    year = models.PositiveSmallIntegerField(
        _("year of the plan"), validators=[MinValueValidator(2016), MaxValueValidator(2100)]
    )
    investment = models.DecimalField(_("investment (yuan)"), **MONEY)
    labour_remuneration = models.DecimalField(
        _("labour remuneration in the investment (yuan)"), **MONEY, help_text=_("劳务报酬 planned in the budget.")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("completion date"))
    total_workers = models.PositiveIntegerField(
        _("workers employed in all"), default=0, help_text=_("Local people employed, relocated or not.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("work-for-relief project")
        verbose_name_plural = _("work-for-relief projects")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The completion date is before the start date.")
        if (
            self.investment is not None
            and self.labour_remuneration is not None
            and self.labour_remuneration > self.investment
        ):
            errors["labour_remuneration"] = _("The labour remuneration cannot exceed the investment.")
        if errors:
            raise ValidationError(errors)

    @property
    def remuneration_share(self) -> Decimal | None:
        """The share of labour remuneration in the investment, in per cent."""
        if not self.investment:
            return None
        return (self.labour_remuneration / self.investment * 100).quantize(Decimal("0.1"))


class ReliefWorkerQuerySet(models.QuerySet):
    def for_user(self, user):
        """Workers of the projects in the user's scope."""
        return filter_for_user(self, user, township="project__township", settlement="project__settlement")


class ReliefWorker(RecordedMixin):
    """A relocated member who worked on a work-for-relief project: days worked, wages paid."""

    project = models.ForeignKey(
        ReliefProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="workers"
    )
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField(_("first day worked"))
    last_day = models.DateField(_("last day worked"))
    days_worked = models.PositiveSmallIntegerField(_("days worked"), validators=[MinValueValidator(1)])
    wages_paid = models.DecimalField(_("wages paid (yuan)"), **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ReliefWorkerQuerySet.as_manager()

    class Meta:
        ordering = ["project", "first_day", "pk"]
        verbose_name = _("work-for-relief worker")
        verbose_name_plural = _("work-for-relief workers")

    def __str__(self):
        return f"{self.member.name} · {self.project.name}"

    def clean(self):
        super().clean()
        errors = {}
        project = self.project if self.project_id else None
        if self.first_day and self.last_day:
            if self.last_day < self.first_day:
                errors["last_day"] = _("The last day worked is before the first day.")
            elif self.days_worked and self.days_worked > (self.last_day - self.first_day).days + 1:
                errors["days_worked"] = _("More days worked than there are days between the first and the last day.")
        if project is not None:
            if self.last_day and self.last_day > project.end_date:
                errors["last_day"] = _(
                    "Wages for days after the project's completion (%(end)s) cannot be recorded."
                ) % {"end": project.end_date.isoformat()}
            if self.first_day and self.first_day < project.start_date:
                errors["first_day"] = _("The project only started on %(start)s.") % {
                    "start": project.start_date.isoformat()
                }
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------
# Microcredit and start-up loans (脱贫人口小额信贷、创业担保贷款; 三、5)
# ---------------------------------------------------------------------------------------------


class Loan(RecordedMixin):
    """A loan to a relocated member, with its repayments and extensions."""

    class Kind(models.TextChoices):
        MICROCREDIT = "microcredit", _("Microcredit for people lifted out of poverty (脱贫人口小额信贷)")
        STARTUP = "startup", _("Start-up guarantee loan (创业担保贷款)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Being repaid")
        EXTENDED = "extended", _("Renewed or extended")
        REPAID = "repaid", _("Repaid")
        WRITTEN_OFF = "written_off", _("Written off with the risk compensation fund")

    OPEN_STATUSES = [Status.ACTIVE, Status.EXTENDED]

    kind = models.CharField(_("kind of loan"), max_length=12, choices=Kind.choices)
    member = models.ForeignKey(Member, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+")
    bank = models.CharField(_("bank"), max_length=60)
    contract_no = models.CharField(_("contract number"), max_length=40, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(1)])
    annual_rate = models.DecimalField(
        _("annual interest rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(36)],
    )
    interest_subsidised = models.BooleanField(_("interest subsidised (贴息)"), default=True)
    start_date = models.DateField(_("start date"))
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    due_date = models.DateField(_("due date"), editable=False)
    purpose = models.CharField(_("purpose"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    overdue_alert = models.ForeignKey(
        "monitoring.Alert", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()
    objects = HouseholdScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        indexes = [
            # The overdue job: WHERE status IN (active, extended) AND due_date < today - threshold.
            models.Index(fields=["status", "due_date"], name="loan_status_due"),
        ]

    def __str__(self):
        return f"{self.member.name} {self.bank} {self.amount}"

    def save(self, *args, **kwargs):
        if self.due_date is None and self.start_date and self.term_months:
            self.due_date = months_later(self.start_date, self.term_months)
        super().save(*args, **kwargs)

    @property
    def principal_repaid(self) -> Decimal:
        return self.repayments.aggregate(total=Sum("principal"))["total"] or ZERO

    def days_overdue(self, on: datetime.date | None = None) -> int:
        """Days past the due date while the loan is still open; 0 when not overdue."""
        on = on or timezone.localdate()
        if self.status not in self.OPEN_STATUSES or not self.due_date or self.due_date >= on:
            return 0
        return (on - self.due_date).days


class LoanRepayment(RecordedMixin):
    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.CASCADE, related_name="repayments")
    paid_on = models.DateField(_("paid on"))
    principal = models.DecimalField(_("principal repaid (yuan)"), max_digits=12, decimal_places=2, default=0,
                                    validators=[MinValueValidator(0)])  # fmt: skip
    interest = models.DecimalField(_("interest paid (yuan)"), max_digits=12, decimal_places=2, default=0,
                                   validators=[MinValueValidator(0)])  # fmt: skip

    history = HistoricalRecords()

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("loan repayment")
        verbose_name_plural = _("loan repayments")

    def __str__(self):
        return f"{self.paid_on:%Y-%m-%d} {self.principal}"


class LoanExtension(RecordedMixin):
    class Kind(models.TextChoices):
        RENEWAL = "renewal", _("Renewal (续贷)")
        EXTENSION = "extension", _("Extension (展期)")

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.CASCADE, related_name="extensions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    approved_on = models.DateField(_("approved on"))
    previous_due_date = models.DateField(_("previous due date"), editable=False)
    new_due_date = models.DateField(_("new due date"))
    reason = models.CharField(_("reason"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["approved_on", "pk"]
        verbose_name = _("loan renewal or extension")
        verbose_name_plural = _("loan renewals and extensions")

    def __str__(self):
        return f"{self.get_kind_display()} {self.new_due_date:%Y-%m-%d}"


# ---------------------------------------------------------------------------------------------
# Products, sales channels and consumption assistance (消费帮扶; 二、3)
# ---------------------------------------------------------------------------------------------


class Product(SiteLedgerRecord):
    """A product of a site: what it is, who makes it."""

    class Industry(models.TextChoices):
        GRAIN = "grain", _("Grain")
        VEGETABLES = "vegetables", _("Vegetables")
        FRUIT = "fruit", _("Fruit")
        TEA = "tea", _("Tea")
        LIVESTOCK = "livestock", _("Livestock and poultry")
        AQUATIC = "aquatic", _("Aquatic products")
        HERBS = "herbs", _("Herbal medicine")
        BAMBOO = "bamboo", _("Bamboo shoots")
        CAMELLIA = "camellia", _("Camellia oil")
        TOURISM = "tourism", _("Agri-tourism")
        CRAFT = "craft", _("Workshop manufacture")
        OTHER = "other", _("Other")

    name = models.CharField(_("product"), max_length=100)
    industry = models.CharField(_("featured industry"), max_length=12, choices=Industry.choices)
    maker = models.CharField(_("made by"), max_length=100, help_text=_("Enterprise, cooperative or household."))
    certification = models.CharField(
        _("certification"), max_length=60, blank=True, help_text=_("Green, organic or geographical indication.")
    )
    unit = models.CharField(_("unit"), max_length=10, default="斤")
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["settlement", "name"]
        verbose_name = _("site product")
        verbose_name_plural = _("site products")

    def __str__(self):
        return self.name


class SalesChannelQuerySet(models.QuerySet):
    def for_user(self, user):
        """The district-wide channels and those kept by the user's sites."""
        from accounts.scope import scope_of

        q = scope_of(user).q(township="settlement__township", settlement="settlement")
        return self if q is None else self.filter(q | models.Q(settlement__isnull=True))

    def kept_by(self, user):
        """The channels the user may change: their sites' own (the administrator: every one)."""
        return filter_for_user(self, user, township="settlement__township", settlement="settlement")


class SalesChannel(models.Model):
    """A sales channel of consumption assistance: district-wide (kept by the administrator) or a site's own
    (its live-streaming account, its purchase agreement with an agency...), kept by the site's staff."""

    class Kind(models.TextChoices):
        HALL = "hall", _("Consumption assistance hall (专馆)")
        ZONE = "zone", _("Consumption assistance zone (专区)")
        COUNTER = "counter", _("Consumption assistance counter (专柜)")
        ONLINE = "online", _("Online shop")
        LIVE = "live", _("Live-streaming sales")
        AGENCY = "agency", _("Purchase agreement with a government agency")
        STATE_ENTERPRISE = "state_enterprise", _("Purchase agreement with a state enterprise")
        SUPERMARKET = "supermarket", _("Direct supply to supermarkets or wholesale markets")

    kind = models.CharField(_("kind of channel"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("channel"), max_length=100, unique=True)
    operator = models.CharField(_("run by"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    settlement = models.ForeignKey(
        "settlements.Settlement",
        verbose_name=_("settlement site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: a district-wide channel, kept by the administrator."),
    )

    history = HistoricalRecords()
    objects = SalesChannelQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("sales channel")
        verbose_name_plural = _("sales channels")

    def __str__(self):
        return self.name


class SalesRecordQuerySet(models.QuerySet):
    def for_user(self, user):
        """Sales of the products of the user's sites."""
        return filter_for_user(self, user, township="product__settlement__township", settlement="product__settlement")


class SalesRecord(RecordedMixin):
    """What one channel sold of one product in one month."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="sales")
    channel = models.ForeignKey(
        SalesChannel, verbose_name=_("sales channel"), on_delete=models.PROTECT, related_name="sales"
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, null=True, blank=True,
                                   validators=[MinValueValidator(0)])  # fmt: skip
    amount = models.DecimalField(_("sales (yuan)"), **MONEY)
    buyer = models.CharField(_("buyer"), max_length=100, blank=True)

    history = HistoricalRecords()
    objects = SalesRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "product", "channel"]
        verbose_name = _("sales record")
        verbose_name_plural = _("sales records")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "channel", "month"],
                name="sales_once_per_month",
                violation_error_message=_(
                    "Sales of this product through this channel are already recorded for this month."
                ),
            )
        ]

    def __str__(self):
        return f"{self.product} {self.channel} {self.month:%Y-%m}"

    def save(self, *args, **kwargs):
        if self.month:
            self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Benefit linkage (利益联结; 二、5)
# ---------------------------------------------------------------------------------------------


class BenefitLink(RecordedMixin):
    """A household's share in the site's industries: land transferred, shares, the site's arrangements."""

    class Kind(models.TextChoices):
        LAND_TRANSFER = "land_transfer", _("Contracted land transferred at the origin")
        FOREST_TRANSFER = "forest_transfer", _("Forest land transferred at the origin")
        COOPERATIVE_SHARE = "cooperative_share", _("Shares in a cooperative")
        COLLECTIVE_SHARE = "collective_share", _("Shares in the collective economy")
        ASSET_SHARE = "asset_share", _("Assets or funds invested as shares")
        FIVE_ONES = "five_ones", _("五个一 industry model")
        ONE_LEADS_THREE = "one_leads_three", _("一领办三参与 cooperation")

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of linkage"), max_length=18, choices=Kind.choices)
    counterparty = models.CharField(
        _("with whom"), max_length=100, help_text=_("Who took the land, the cooperative, the enterprise.")
    )
    area_mu = models.DecimalField(_("area (mu)"), max_digits=8, decimal_places=2, null=True, blank=True,
                                  validators=[MinValueValidator(0)])  # fmt: skip
    yearly_income = models.DecimalField(
        _("yearly income (yuan)"), **MONEY, help_text=_("Rent received or dividend paid for a year.")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = HouseholdScopedQuerySet.as_manager()

    class Meta:
        ordering = ["household", "kind", "pk"]
        verbose_name = _("benefit linkage")
        verbose_name_plural = _("benefit linkages")

    def __str__(self):
        return f"{self.household.head_name} {self.get_kind_display()}"

    def clean(self):
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})
        if self.kind in (self.Kind.LAND_TRANSFER, self.Kind.FOREST_TRANSFER) and not self.area_mu:
            raise ValidationError({"area_mu": _("Give the area of the land transferred.")})


# ---------------------------------------------------------------------------------------------
# Project library and linked funds (项目库、衔接资金; 三、2)
# ---------------------------------------------------------------------------------------------


class FundSource(models.TextChoices):
    LINKED = "linked", _("Linked funds for rural revitalisation (衔接资金)")
    LOCAL = "local", _("Local government budget")
    BONDS = "bonds", _("Special-purpose bonds")
    FINANCE = "finance", _("Bank credit")
    SOCIAL = "social", _("Social capital")
    CENTRAL = "central", _("Central budget investment")


class LibraryProject(PlacedMixin, RecordedMixin):
    """A project entered in the follow-up support project library; funded projects come only from here."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry", _("Industry development")
        EMPLOYMENT = "employment", _("Employment (workshops, posts)")
        INFRASTRUCTURE = "infrastructure", _("Supporting infrastructure")
        PUBLIC_SERVICE = "public_service", _("Public services")
        COMMUNITY = "community", _("Community services and governance")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("In the library")
        APPROVED = "approved", _("Approved for implementation")
        BUILDING = "building", _("Under construction")
        COMPLETED = "completed", _("Completed")
        ACCEPTED = "accepted", _("Accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn from the library")

    FINISHED = [Status.COMPLETED, Status.ACCEPTED]

    name = models.CharField(_("project"), max_length=120)
    kind = models.CharField(_("kind of project"), max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(
        _("year entered"), validators=[MinValueValidator(2016), MaxValueValidator(2100)]
    )
    planned_amount = models.DecimalField(_("planned amount (yuan)"), **MONEY)
    main_source = models.CharField(_("main fund source"), max_length=10, choices=FundSource.choices)
    owner_unit = models.CharField(_("implementing unit"), max_length=100)
    beneficiaries = models.PositiveIntegerField(_("relocated people it benefits"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    asset = models.ForeignKey(
        "settlements.ProjectAsset",
        verbose_name=_("asset it produced"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_projects",
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("library project")
        verbose_name_plural = _("project library")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.asset_id:
            if self.status not in self.FINISHED:
                errors["asset"] = _("Only a completed or accepted project is linked to the asset it produced.")
            elif self.township_id and self.asset.settlement.township_id != self.township_id:
                errors["asset"] = _("This asset belongs to a site of another township.")
        if self.status in self.FINISHED and not self.completed_on:
            errors["completed_on"] = _("Give the completion date.")
        if self.status == self.Status.ACCEPTED and not self.accepted_on:
            errors["accepted_on"] = _("Give the date of acceptance.")
        if errors:
            raise ValidationError(errors)


class FundAllocationQuerySet(models.QuerySet):
    def for_user(self, user):
        """Allocations to the projects in the user's scope."""
        return filter_for_user(self, user, township="project__township", settlement="project__settlement")


class FundAllocation(RecordedMixin):
    """Money allocated to a library project from one source, and what of it has been spent."""

    project = models.ForeignKey(
        LibraryProject, verbose_name=_("library project"), on_delete=models.PROTECT, related_name="allocations"
    )
    source = models.CharField(_("fund source"), max_length=10, choices=FundSource.choices)
    allocated_on = models.DateField(_("allocated on"))
    document_no = models.CharField(_("allocation document"), max_length=60, blank=True)
    allocated = models.DecimalField(_("allocated (yuan)"), max_digits=14, decimal_places=2,
                                    validators=[MinValueValidator(Decimal("0.01"))])  # fmt: skip
    spent = models.DecimalField(_("spent (yuan)"), max_digits=14, decimal_places=2, default=0,
                                validators=[MinValueValidator(0)])  # fmt: skip

    history = HistoricalRecords()
    objects = FundAllocationQuerySet.as_manager()

    class Meta:
        ordering = ["project", "allocated_on", "pk"]
        verbose_name = _("fund allocation")
        verbose_name_plural = _("fund allocations")

    def __str__(self):
        return f"{self.project} {self.get_source_display()} {self.allocated}"

    def clean(self):
        super().clean()
        if self.spent is not None and self.allocated is not None and self.spent > self.allocated:
            raise ValidationError({"spent": _("More spent than allocated.")})
