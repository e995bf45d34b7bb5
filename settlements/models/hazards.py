"""安全隐患排查台账: hazards found at a site or at a household's dwelling, and their rectification."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import filter_for_user

from .base import SiteLedgerQuerySet, SiteLedgerRecord


class SafetyHazardQuerySet(SiteLedgerQuerySet):
    def open(self):
        """Hazards not rectified yet."""
        return self.filter(rectified_on__isnull=True)

    def overdue(self, today: datetime.date | None = None):
        """Open hazards whose rectification deadline has passed."""
        today = today or timezone.localdate()
        return self.open().filter(deadline__lt=today)


class SafetyHazard(SiteLedgerRecord):
    """A safety hazard found by an inspection (安全隐患), with its rectification."""

    class Type(models.TextChoices):
        GEOLOGICAL = "geological", _("Geological hazard")
        FIRE = "fire", _("Fire safety")
        HOUSING = "housing", _("Housing quality")
        GAS = "gas", _("Gas")
        ELECTRICAL = "electrical", _("Electrical")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        GENERAL = "general", _("General")
        MAJOR = "major", _("Major")
        SERIOUS = "serious", _("Serious")

    household = models.ForeignKey(
        "relocation.Household",
        verbose_name=_("household (dwelling)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty for a hazard of the site itself."),
    )
    hazard_type = models.CharField(_("hazard type"), max_length=12, choices=Type.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    location = models.CharField(_("location"), max_length=120, blank=True)
    description = models.TextField(_("description"))
    found_on = models.DateField(_("found on"))
    found_by = models.CharField(_("found by"), max_length=80)
    responsible_unit = models.CharField(_("responsible unit"), max_length=80)
    deadline = models.DateField(_("rectification deadline"))
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification = models.TextField(_("rectification measures"), blank=True)
    # Set by the overdue job, cleared when the hazard is rectified or the deadline is moved.
    overdue_since = models.DateTimeField(_("flagged overdue at"), null=True, blank=True, editable=False)
    alert_id = models.BigIntegerField(_("monitoring alert"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = SafetyHazardQuerySet.as_manager()

    class Meta:
        ordering = ["-found_on", "-pk"]
        verbose_name = _("safety hazard")
        verbose_name_plural = _("safety hazards")
        indexes = [
            # The overdue job and the dashboards: open hazards past their deadline.
            models.Index(fields=["deadline"], condition=Q(rectified_on__isnull=True), name="hazard_open_deadline"),
            # The ledger list of one site, newest first.
            models.Index(fields=["settlement", "found_on"], name="hazard_site_found"),
        ]

    def __str__(self):
        return f"{self.get_hazard_type_display()} {self.found_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.rectified_on is None

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()

    def clean(self):
        errors = {}
        if self.found_on and self.deadline and self.deadline < self.found_on:
            errors["deadline"] = _("The rectification deadline cannot be before the day the hazard was found.")
        if self.found_on and self.rectified_on and self.rectified_on < self.found_on:
            errors["rectified_on"] = _("A hazard cannot be rectified before it was found.")
        if self.rectified_on and self.rectified_on > timezone.localdate():
            errors["rectified_on"] = _("The rectification date cannot be in the future.")
        if self.found_on and self.found_on > timezone.localdate():
            errors["found_on"] = _("The date found cannot be in the future.")
        if self.household_id and self.settlement_id and self.household.settlement_id != self.settlement_id:
            errors["household"] = _("This household does not live in the selected settlement site.")
        if errors:
            raise ValidationError(errors)


def hazard_photo_path(instance, filename: str) -> str:
    # Dated folders keep directories small; the original name is kept only for its extension.
    ext = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "jpg"
    return f"hazards/{timezone.localdate():%Y/%m}/{instance.hazard_id}-{timezone.now():%H%M%S%f}.{ext}"


class HazardPhotoQuerySet(models.QuerySet):
    def for_user(self, user):
        """Photos of the hazards the user may see."""
        return filter_for_user(self, user, township="hazard__settlement__township", settlement="hazard__settlement")


class HazardPhoto(models.Model):
    """Evidence photo of a hazard, before or after rectification. Served only through a scoped view."""

    class Stage(models.TextChoices):
        FOUND = "found", _("When found")
        RECTIFIED = "rectified", _("After rectification")

    hazard = models.ForeignKey(SafetyHazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=hazard_photo_path)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.FOUND)
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = HazardPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("hazard photo")
        verbose_name_plural = _("hazard photos")

    def __str__(self):
        return self.caption or self.image.name
