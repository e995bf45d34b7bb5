"""Sections of the settlement page: the site's ledgers at a glance. Each issues a fixed number of queries."""

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.panels import Panel

from .models import (
    AssetDistribution,
    AssetIncome,
    CommunityActivity,
    DisputeMediation,
    Facility,
    FacilityType,
    ProjectAsset,
    ResidentRequest,
    SafetyHazard,
)
from .models.facilities import expected_facility_types
from .services import OPEN_REQUEST


def facilities_summary(settlement) -> dict:
    """The site's facilities by type, the expected types it lacks, and those needing repair (one query)."""
    facilities = list(Facility.objects.filter(settlement=settlement).order_by("facility_type", "name"))
    present = {f.facility_type for f in facilities}
    missing = [FacilityType(t).label for t in expected_facility_types(settlement.kind) if t not in present]
    return {
        "facilities": facilities,
        "missing": missing,
        "needs_repair": [f for f in facilities if f.status != Facility.Status.IN_USE],
    }


def settlement_panels(request, settlement):
    user = request.user
    today = timezone.localdate()
    panels = []
    if user.has_perm("settlements.view_facility"):
        panels.append(
            Panel(
                _("Facilities and their upkeep"),
                "settlements/panels/facilities.html",
                facilities_summary(settlement),
                20,
            )
        )
    if user.has_perm("settlements.view_safetyhazard"):
        hazards = SafetyHazard.objects.filter(settlement=settlement)
        figures = hazards.aggregate(
            open=Count("pk", filter=Q(rectified_on__isnull=True)),
            overdue=Count("pk", filter=Q(rectified_on__isnull=True, deadline__lt=today)),
            serious=Count("pk", filter=Q(rectified_on__isnull=True, severity=SafetyHazard.Severity.SERIOUS)),
            total=Count("pk"),
        )
        open_rows = list(hazards.filter(rectified_on__isnull=True).select_related("household").order_by("deadline")[:5])
        panels.append(
            Panel(
                _("Safety hazards"), "settlements/panels/hazards.html", {"figures": figures, "open_rows": open_rows}, 21
            )
        )
    if user.has_perm("settlements.view_residentrequest"):
        figures = ResidentRequest.objects.filter(settlement=settlement).aggregate(
            total=Count("pk"),
            open=Count("pk", filter=~Q(status=ResidentRequest.Status.CLOSED)),
            overdue=Count("pk", filter=Q(status__in=OPEN_REQUEST, deadline__lt=today)),
            unsatisfied=Count("pk", filter=Q(satisfaction=ResidentRequest.Satisfaction.UNSATISFIED)),
            closed=Count("pk", filter=Q(status=ResidentRequest.Status.CLOSED)),
        )
        panels.append(Panel(_("Residents' requests"), "settlements/panels/requests.html", {"figures": figures}, 22))
    if user.has_perm("settlements.view_communityactivity"):
        year_start = today.replace(month=1, day=1)
        activities = CommunityActivity.objects.filter(settlement=settlement, date__gte=year_start).aggregate(
            count=Count("pk"), participants=Sum("participants")
        )
        disputes = DisputeMediation.objects.filter(settlement=settlement, date__gte=year_start).aggregate(
            count=Count("pk"), pending=Count("pk", filter=Q(outcome=DisputeMediation.Outcome.PENDING))
        )
        panels.append(
            Panel(
                _("Community governance this year"),
                "settlements/panels/governance.html",
                {"activities": activities, "disputes": disputes, "year_start": year_start},
                23,
            )
        )
    if user.has_perm("settlements.view_projectasset"):
        assets = ProjectAsset.objects.filter(settlement=settlement).aggregate(
            count=Count("pk"), value=Sum("value"), unregistered=Count("pk", filter=Q(registration_no=""))
        )
        # Two aggregates: summing income across the join with its distribution lines would repeat it.
        income = AssetIncome.objects.filter(asset__settlement=settlement, year=today.year - 1).aggregate(
            income=Sum("income")
        )
        income.update(
            AssetDistribution.objects.filter(
                income__asset__settlement=settlement, income__year=today.year - 1
            ).aggregate(planned=Sum("planned"), spent=Sum("spent"))
        )
        panels.append(
            Panel(
                _("Project assets"),
                "settlements/panels/assets.html",
                {"assets": assets, "income": income, "year": today.year - 1},
                24,
            )
        )
    return panels
