from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import filter_for_user, scope_of
from portal.validators import PhoneField

division_code = RegexValidator(r"^\d{12}$", _("A division code has 12 digits."))


class TownshipQuerySet(models.QuerySet):
    def for_user(self, user):
        """Townships the user works in: their own, and those holding one of their sites."""
        scope = scope_of(user)
        if scope.everything:
            return self.all()
        sites = Settlement.objects.filter(pk__in=scope.settlement_ids).values("township")
        return self.filter(models.Q(pk__in=scope.township_ids) | models.Q(pk__in=sites))


class Township(models.Model):
    """A sub-district, town or township of the district (街道、镇、乡)."""

    class Kind(models.TextChoices):
        SUBDISTRICT = "subdistrict", _("Sub-district")
        TOWN = "town", _("Town")
        TOWNSHIP = "township", _("Township")

    code = models.CharField(_("division code"), max_length=12, unique=True, validators=[division_code])
    name = models.CharField(_("name"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    objects = TownshipQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("township")
        verbose_name_plural = _("townships")

    def __str__(self):
        return self.name


class Village(models.Model):
    """A village or community (村、社区) of a township."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("Village")
        COMMUNITY = "community", _("Community")

    township = models.ForeignKey(
        Township, verbose_name=_("township"), on_delete=models.PROTECT, related_name="villages"
    )
    code = models.CharField(_("division code"), max_length=12, unique=True, validators=[division_code])
    name = models.CharField(_("name"), max_length=30)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.VILLAGE)

    class Meta:
        ordering = ["code"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="village_unique_name_in_township")]

    def __str__(self):
        return self.name


class SettlementQuerySet(models.QuerySet):
    def for_user(self, user):
        """Sites of the user's townships, plus the sites assigned to the user directly."""
        return filter_for_user(self, user, township="township", settlement="pk")


class Settlement(models.Model):
    """A relocation settlement site (安置点), or the dispersed relocation of a township."""

    class Kind(models.TextChoices):
        URBAN_LARGE = "urban", _("Centralized, urban large/medium")
        RURAL_SMALL = "rural", _("Centralized, rural small/micro")
        DISPERSED = "dispersed", _("Dispersed relocation")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    township = models.ForeignKey(
        Township, verbose_name=_("township"), on_delete=models.PROTECT, related_name="settlements"
    )
    village = models.ForeignKey(
        Village, verbose_name=_("village or community"), null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField(_("address"), max_length=120, blank=True)
    built_year = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    planned_households = models.PositiveIntegerField(_("planned households"), null=True, blank=True)
    site_head = models.CharField(_("site head"), max_length=50, blank=True)
    site_head_phone = PhoneField(_("site head phone"), blank=True)
    first_secretary = models.CharField(_("first secretary"), max_length=50, blank=True)
    work_team = models.TextField(_("work team"), blank=True)
    party_organization = models.CharField(_("community Party organization"), max_length=100, blank=True)
    self_governance_organization = models.CharField(_("self-governance organization"), max_length=100, blank=True)
    # The policy (五、3) asks for a micro fire station or volunteer fire team and a police room per site.
    micro_fire_station = models.CharField(_("micro fire station or volunteer fire team"), max_length=100, blank=True)
    police_room = models.CharField(_("police room"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = SettlementQuerySet.as_manager()

    class Meta:
        ordering = ["township__code", "code"]
        verbose_name = _("settlement site")
        verbose_name_plural = _("settlement sites")

    def __str__(self):
        return self.name
