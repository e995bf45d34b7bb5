"""设施管护工作台账: a site's facilities and their upkeep (policy 二(四)1-2)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import filter_for_user

from .base import SiteLedgerRecord


class FacilityType(models.TextChoices):
    WATER = "water", _("Water supply and drainage")
    REFUSE = "refuse", _("Refuse collection and treatment")
    SEWAGE = "sewage", _("Sewage treatment")
    POWER = "power", _("Power supply")
    NETWORK = "network", _("Network")
    GAS = "gas", _("Gas supply")
    CHARGING = "charging", _("EV charging")
    BUS_STOP = "bus_stop", _("Bus stop")
    CAMERAS = "cameras", _("Public-security cameras (天网)")
    POLICE_ROOM = "police_room", _("Police room")
    FIRE = "fire", _("Fire facilities")
    MARKET = "market", _("Farmers' market")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    SCHOOL = "school", _("Primary or secondary school")
    HOSPITAL = "hospital", _("Hospital")
    CLINIC = "clinic", _("Community health station")
    WELFARE_HOME = "welfare_home", _("Welfare home")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    SERVICE_CENTRE = "service_centre", _("Community service centre")
    CEREMONY_HALL = "ceremony_hall", _("Ceremony hall (红白喜事)")
    CEMETERY = "cemetery", _("Public cemetery")
    RECYCLING = "recycling", _("Recycling point")
    ROAD = "road", _("Roads")
    OTHER = "other", _("Other")


# What a centralized site is expected to have (policy 二(四)1: "做好安置点供排水管网...农贸市场等配套设施").
# Public services (kindergarten, schools, clinic...) may be shared with the village, so they are not
# expected of every site; a site page lists them as "not recorded" only when the site is urban.
EXPECTED_INFRASTRUCTURE = [
    FacilityType.WATER, FacilityType.REFUSE, FacilityType.SEWAGE, FacilityType.POWER, FacilityType.NETWORK,
    FacilityType.GAS, FacilityType.CHARGING, FacilityType.BUS_STOP, FacilityType.CAMERAS, FacilityType.POLICE_ROOM,
    FacilityType.FIRE, FacilityType.MARKET,
]  # fmt: skip
EXPECTED_PUBLIC_SERVICES = [
    FacilityType.KINDERGARTEN, FacilityType.SCHOOL, FacilityType.CLINIC, FacilityType.ELDERLY_CARE,
    FacilityType.SERVICE_CENTRE, FacilityType.CEREMONY_HALL, FacilityType.CEMETERY, FacilityType.RECYCLING,
]  # fmt: skip


def expected_facility_types(settlement_kind: str) -> list[str]:
    """The facility types a site of this kind should have; dispersed relocation has no site facilities."""
    from .sites import Settlement

    if settlement_kind == Settlement.Kind.DISPERSED:
        return []
    if settlement_kind == Settlement.Kind.URBAN_LARGE:
        return [*EXPECTED_INFRASTRUCTURE, *EXPECTED_PUBLIC_SERVICES]
    return list(EXPECTED_INFRASTRUCTURE)


class Facility(SiteLedgerRecord):
    """A facility of a settlement site (配套设施), with who looks after it."""

    class Status(models.TextChoices):
        IN_USE = "in_use", _("In good use")
        NEEDS_REPAIR = "needs_repair", _("Needs repair")
        OUT_OF_SERVICE = "out_of_service", _("Out of service")
        PLANNED = "planned", _("Planned or under construction")

    facility_type = models.CharField(_("facility type"), max_length=20, choices=FacilityType.choices)
    name = models.CharField(_("name"), max_length=80)
    location = models.CharField(_("location"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.IN_USE)
    maintainer = models.CharField(_("maintained by (unit)"), max_length=80, blank=True)
    maintainer_contact = models.CharField(_("maintainer contact"), max_length=50, blank=True)
    handed_over = models.BooleanField(
        _("handed over to local management"),
        default=False,
        help_text=_("Built facilities are to be managed by the place of settlement (policy 二(四)1)."),
    )
    built_year = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["settlement", "facility_type", "name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        indexes = [
            # The ledger list: a site's facilities by type; the "missing types" check on the site page.
            models.Index(fields=["settlement", "facility_type"], name="facility_site_type"),
        ]

    def __str__(self):
        return self.name


class FacilityMaintenanceQuerySet(models.QuerySet):
    def for_user(self, user):
        """Maintenance records of the facilities the user may see."""
        return filter_for_user(self, user, township="facility__settlement__township", settlement="facility__settlement")


class FacilityMaintenance(models.Model):
    """One entry of a facility's maintenance log (管护记录)."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="maintenance"
    )
    date = models.DateField(_("date"))
    problem = models.CharField(_("problem found"), max_length=200)
    action = models.CharField(_("action taken"), max_length=200)
    cost = models.DecimalField(
        _("cost (yuan)"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    done_by = models.CharField(_("done by"), max_length=80)
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

    history = HistoricalRecords()
    objects = FacilityMaintenanceQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("maintenance record")
        verbose_name_plural = _("maintenance records")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.problem}"
