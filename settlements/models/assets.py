"""扶贫项目资产: assets built with policy funds at or for a site, their yearly income and its distribution
over the eight uses of policy 二(二)4."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import filter_for_user

from .base import SiteLedgerRecord

MONEY = {"max_digits": 14, "decimal_places": 2}


class DistributionUse(models.TextChoices):
    """The eight uses of asset income the policy lists (二(二)4), in its order."""

    SITE_INDUSTRY = "site_industry", _("Industry at the site")
    STARTUP_AWARDS = "startup_awards", _("Start-up awards for relocated people")
    WELFARE_POSTS = "welfare_posts", _("Public-welfare post subsidies")
    COMMUNITY_RUNNING = "community_running", _("Community running costs")
    STAFF_PAY = "staff_pay", _("Community staff pay subsidies")
    MAINTENANCE_FUND = "maintenance_fund", _("Public maintenance fund")
    PROPERTY_FEES = "property_fees", _("Property-fee subsidies")
    TEMPORARY_RELIEF = "temporary_relief", _("Temporary relief for households in difficulty")


class ProjectAsset(SiteLedgerRecord):
    """A poverty-alleviation project asset (扶贫项目资产), registered and managed for a site."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Assistance workshop (帮扶车间)")
        INDUSTRY_BASE = "industry_base", _("Planting or breeding base")
        AGRICULTURE = "agriculture", _("Farming and livestock facility")
        COMMERCE = "commerce", _("Commerce and logistics facility")
        TOURISM = "tourism", _("Tourism facility")
        INFRASTRUCTURE = "infrastructure", _("Site infrastructure")
        PUBLIC_SERVICE = "public_service", _("Public-service facility")
        HOUSING = "housing", _("Relocation housing")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPERATING = "operating", _("Operating")
        IDLE = "idle", _("Idle")
        UNDER_CONSTRUCTION = "construction", _("Under construction")
        DISPOSED = "disposed", _("Disposed of")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("asset kind"), max_length=16, choices=Kind.choices)
    registration_no = models.CharField(_("registration number (确权登记)"), max_length=60, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    owner = models.CharField(_("ownership"), max_length=100, help_text=_("Who holds the property right."))
    manager = models.CharField(_("managed by"), max_length=100)
    funding_source = models.CharField(_("funding source"), max_length=100, blank=True)
    value = models.DecimalField(_("value (yuan)"), **MONEY, validators=[MinValueValidator(0)])
    completed_year = models.PositiveSmallIntegerField(
        _("year completed"), null=True, blank=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPERATING)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["settlement", "name"]
        verbose_name = _("project asset")
        verbose_name_plural = _("project assets")

    def __str__(self):
        return self.name

    @property
    def is_registered(self) -> bool:
        return bool(self.registration_no)


class AssetIncomeQuerySet(models.QuerySet):
    def for_user(self, user):
        """Incomes of the assets the user may see."""
        return filter_for_user(self, user, township="asset__settlement__township", settlement="asset__settlement")

    def with_totals(self):
        """Annotate each year with the planned and spent totals of its distribution."""
        return self.annotate(planned_total=Sum("distributions__planned"), spent_total=Sum("distributions__spent"))


class AssetIncome(models.Model):
    """An asset's income of one year and the plan distributing it (资产收益分配方案)."""

    asset = models.ForeignKey(ProjectAsset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    income = models.DecimalField(_("income (yuan)"), **MONEY, validators=[MinValueValidator(0)])
    plan_approved_on = models.DateField(_("plan approved on"), null=True, blank=True)
    plan_approved_by = models.CharField(
        _("approved by"), max_length=100, blank=True, help_text=_("The body that approved the distribution plan.")
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = AssetIncomeQuerySet.as_manager()

    class Meta:
        ordering = ["asset", "-year"]
        verbose_name = _("asset income")
        verbose_name_plural = _("asset incomes")
        constraints = [models.UniqueConstraint(fields=["asset", "year"], name="asset_income_once_a_year")]

    def __str__(self):
        return f"{self.asset} {self.year}"

    def totals(self) -> dict:
        """Planned and spent totals of this year's distribution (one query)."""
        sums = self.distributions.aggregate(planned=Sum("planned"), spent=Sum("spent"))
        return {k: v or Decimal("0") for k, v in sums.items()}


class AssetDistribution(models.Model):
    """One use's share of an asset's yearly income: the amount planned and the amount actually spent."""

    income = models.ForeignKey(
        AssetIncome, verbose_name=_("income"), on_delete=models.CASCADE, related_name="distributions"
    )
    use = models.CharField(_("use"), max_length=20, choices=DistributionUse.choices)
    planned = models.DecimalField(_("planned (yuan)"), **MONEY, default=0, validators=[MinValueValidator(0)])
    spent = models.DecimalField(_("spent (yuan)"), **MONEY, default=0, validators=[MinValueValidator(0)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["income", "use"]
        verbose_name = _("income distribution")
        verbose_name_plural = _("income distributions")
        constraints = [
            models.UniqueConstraint(fields=["income", "use"], name="asset_distribution_once_per_use"),
            models.CheckConstraint(condition=Q(planned__gte=0) & Q(spent__gte=0), name="asset_distribution_positive"),
        ]

    def __str__(self):
        return f"{self.get_use_display()} {self.planned}"
