"""社区治理工作台账: community activities and disputes mediated at a site (policy 二(五)3-4)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .base import SiteLedgerRecord


class CommunityActivity(SiteLedgerRecord):
    """An activity or event held at a site: training, a job fair, a festival, gratitude education..."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Skills training or night school")
        JOB_FAIR = "job_fair", _("Job fair at the site (送岗进点)")
        FESTIVAL = "festival", _("Festival or cultural event")
        GRATITUDE = "gratitude", _("Gratitude education (三讲一评)")
        VOLUNTEER = "volunteer", _("Volunteer service")
        CIVILITY = "civility", _("Civility and virtue campaign")
        SOCIAL_WORK = "social_work", _("Social work or counselling")
        PARTY = "party", _("Party organisation activity")
        SAFETY = "safety", _("Safety drill or publicity")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    organiser = models.CharField(_("organised by"), max_length=80)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("community activity")
        verbose_name_plural = _("community activities")
        indexes = [models.Index(fields=["settlement", "date"], name="activity_site_date")]

    def __str__(self):
        return self.title

    def clean(self):
        if self.date and self.date > timezone.localdate() + datetime.timedelta(days=366):
            raise ValidationError({"date": _("The date is more than a year ahead; check the year.")})


class DisputeMediation(SiteLedgerRecord):
    """A dispute mediated at a site (纠纷调解): support of elders, family, neighbours..."""

    class Kind(models.TextChoices):
        ELDER_SUPPORT = "elder_support", _("Support of elders (赡养)")
        FAMILY = "family", _("Family")
        NEIGHBOUR = "neighbour", _("Neighbours")
        PROPERTY = "property", _("Property management")
        LAND = "land", _("Land or origin land")
        WAGES = "wages", _("Wages or labour")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Being mediated")
        RESOLVED = "resolved", pgettext_lazy("dispute", "Resolved")
        PARTLY = "partly", _("Partly resolved")
        FAILED = "failed", _("Not resolved")
        REFERRED = "referred", _("Referred to another body")

    kind = models.CharField(_("dispute type"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("date received"))
    parties = models.CharField(_("parties"), max_length=200)
    summary = models.TextField(_("what it is about"))
    mediator = models.CharField(_("mediator"), max_length=80)
    outcome = models.CharField(
        pgettext_lazy("dispute", "outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    agreement = models.TextField(_("agreement or result"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("dispute mediation")
        verbose_name_plural = _("dispute mediations")
        indexes = [models.Index(fields=["settlement", "date"], name="dispute_site_date")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.closed_on and self.date and self.closed_on < self.date:
            errors["closed_on"] = _("A dispute cannot be closed before it was received.")
        if self.outcome == self.Outcome.PENDING and self.closed_on:
            errors["outcome"] = _("A closed dispute needs an outcome other than 'being mediated'.")
        if errors:
            raise ValidationError(errors)
