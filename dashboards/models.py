from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    """No table: a home for the dashboards' permission, which Django ties to a model's content type.

    The dashboards count other apps' rows and keep no data of their own.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboard", _("Can see the dashboards of their own scope")),
            ("export_dashboard", _("Can export the dashboards' figures to Excel")),
        ]
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboards")

    def __str__(self):
        return str(self._meta.verbose_name)


class HouseholdFigures(models.Model):
    """One row per household: what the dashboards count about it, kept up to date by every write.

    The dashboards read these rows instead of grouping four million members, twelve million ledger
    rows and a million visits on each count (``dashboards.summary`` writes them: on each save or
    delete of a household, member, ledger entry or visit, after an import, and in full every night).
    The household's place, type, placement and status are copied so that a page is one pass over
    this table.
    """

    household = models.OneToOneField(
        "relocation.Household", primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )
    # Copies of the household's own fields (no foreign-key checks: the household row is the truth).
    township = models.ForeignKey(
        "settlements.Township", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    settlement = models.ForeignKey(
        "settlements.Settlement", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    household_type = models.CharField(max_length=12)
    placement = models.CharField(max_length=12)
    status = models.CharField(max_length=12)
    # Members: all, able and willing to work, employed, and both; then each employment separately.
    people = models.PositiveSmallIntegerField(default=0)
    can_work = models.PositiveSmallIntegerField(default=0)
    employed = models.PositiveSmallIntegerField(default=0)
    employed_can_work = models.PositiveSmallIntegerField(default=0)
    local = models.PositiveSmallIntegerField(default=0)
    local_can_work = models.PositiveSmallIntegerField(default=0)
    province = models.PositiveSmallIntegerField(default=0)
    province_can_work = models.PositiveSmallIntegerField(default=0)
    outside = models.PositiveSmallIntegerField(default=0)
    outside_can_work = models.PositiveSmallIntegerField(default=0)
    welfare_post = models.PositiveSmallIntegerField(default=0)
    welfare_post_can_work = models.PositiveSmallIntegerField(default=0)
    self_employed = models.PositiveSmallIntegerField(default=0)
    self_employed_can_work = models.PositiveSmallIntegerField(default=0)
    not_employed = models.PositiveSmallIntegerField(default=0)
    not_employed_can_work = models.PositiveSmallIntegerField(default=0)
    # The latest visit's planned next visit; the registration day for a household never visited.
    visit_due_on = models.DateField(null=True)
    # Ledgers from ``income_since`` (the first month of the twelve-month window) on.
    income_since = models.DateField(null=True)
    income_months = models.PositiveSmallIntegerField(default=0)
    income_size = models.PositiveSmallIntegerField(null=True)
    # Net income per person a year (monitoring/income.py): the annual accounting where the thresholds
    # put it first, else the ledger annualised over the months recorded; NULL: income not known.
    per_capita_income = models.FloatField(null=True)
    income_source = models.CharField(max_length=8, blank=True, default="")  # "annual", "ledger" or ""

    class Meta:
        default_permissions = ()
        indexes = [
            # Finds the rows still on last month's income window (dashboards.summary.income_window_ready).
            models.Index(fields=["income_since"], name="figures_income_since"),
            # The visits falling due, most overdue first (monitoring.selectors.visits_due_for).
            models.Index(fields=["visit_due_on"], name="figures_visit_due"),
            # The zero-employment list (assistance.selectors.zero_employment_households).
            models.Index(
                fields=["household"], condition=models.Q(can_work__gt=0, employed=0), name="figures_zero_employment"
            ),
        ]
        verbose_name = _("household figures")
        verbose_name_plural = _("household figures")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.household_id}"


class LedgerMonthFigures(models.Model):
    """Monthly ledgers summed per place: the income trend without reading every ledger row.

    Rows per township, settlement site (none for households at no site) and month, to be summed:
    a place's months are rewritten when an import writes its ledgers or a household moves; a ledger
    entry saved or deleted in the portal adds the difference it made.
    """

    township = models.ForeignKey(
        "settlements.Township", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    settlement = models.ForeignKey(
        "settlements.Settlement", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    period = models.DateField()
    # Sums, or changes to them: a saved entry adds a row with the difference it made (negative when
    # an entry is deleted or lowered), which the nightly rebuild folds into one row per place and month.
    income = models.DecimalField(max_digits=18, decimal_places=2)
    people = models.IntegerField()  # the household sizes summed
    entries = models.IntegerField()

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["period"], name="ledgermonth_period")]
        verbose_name = _("monthly ledger figures")
        verbose_name_plural = _("monthly ledger figures")

    def __str__(self):
        return f"{self.township_id}/{self.settlement_id} {self.period:%Y-%m}"


class FiguresRebuild(models.Model):
    """A full rewrite of the figures tables (every night, and after a bulk load); the latest finished
    one tells which twelve-month income window the household rows hold."""

    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True)
    income_since = models.DateField(_("income window from"))
    households = models.PositiveIntegerField(_("households"), default=0)
    seconds = models.FloatField(_("seconds"), null=True)

    class Meta:
        default_permissions = ()
        verbose_name = _("figures rebuild")
        verbose_name_plural = _("figures rebuilds")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.income_since:%Y-%m})"
