"""Writes with rules for the site ledgers. Views, admin actions, tasks and tests call these."""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import require_record_place

from .models import (
    AssetDistribution,
    AssetIncome,
    DistributionUse,
    Facility,
    FacilityMaintenance,
    HazardPhoto,
    ProjectAsset,
    ResidentRequest,
    SafetyHazard,
)

logger = logging.getLogger(__name__)

SERIOUS_HAZARD_RULE = "hazard"  # monitoring.models.Alert.Rule.HAZARD
OPEN_REQUEST = [ResidentRequest.Status.RECEIVED, ResidentRequest.Status.ASSIGNED]


@transaction.atomic
def ledger_record_save(*, record, actor=None):
    """Validate and save a ledger row (facility, activity, dispute, asset...), noting who recorded it."""
    if record.pk is None and actor is not None and hasattr(record, "created_by_id"):
        record.created_by = actor
    require_record_place(actor, record)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def facility_maintenance_record(*, facility: Facility, maintenance: FacilityMaintenance, actor=None):
    """Add an entry to a facility's maintenance log."""
    maintenance.facility = facility
    if maintenance.pk is None:
        maintenance.created_by = actor
    maintenance.full_clean()
    maintenance.save()
    return maintenance


@transaction.atomic
def hazard_save(*, hazard: SafetyHazard, actor=None) -> SafetyHazard:
    """Record or change a hazard; a serious hazard at a household's dwelling raises a monitoring alert."""
    if hazard.pk is None:
        hazard.created_by = actor
    require_record_place(actor, hazard)
    if hazard.rectified_on or (hazard.deadline and hazard.deadline >= timezone.localdate()):
        # Rectified, or given a new deadline: no longer overdue.
        hazard.overdue_since = None
    hazard.full_clean()
    hazard.save()
    if hazard.household_id and hazard.severity == SafetyHazard.Severity.SERIOUS and hazard.alert_id is None:
        alert = hazard_raise_alert(hazard=hazard, actor=actor)
        hazard.alert_id = alert.pk
        hazard.save(update_fields=["alert_id"])
    return hazard


def hazard_raise_alert(*, hazard: SafetyHazard, actor=None):
    """Put a serious household hazard in the monitoring queue (idempotent through alert_raise)."""
    from monitoring.services import alert_raise

    return alert_raise(
        household=hazard.household,
        rule=SERIOUS_HAZARD_RULE,
        period=hazard.found_on,
        evidence={
            "hazard_id": hazard.pk,
            "settlement": hazard.settlement.name,
            "hazard_type": str(hazard.get_hazard_type_display()),
            "severity": str(hazard.get_severity_display()),
            "description": hazard.description[:300],
            "found_on": hazard.found_on.isoformat(),
            "deadline": hazard.deadline.isoformat(),
            "responsible_unit": hazard.responsible_unit,
        },
        source="other",  # Alert.Source.OTHER: neither screening, roster nor application
        actor=actor,
    )


@transaction.atomic
def hazard_rectify(
    *, hazard: SafetyHazard, rectified_on: datetime.date, rectification: str, actor=None
) -> SafetyHazard:
    """Mark a hazard rectified; it leaves the overdue list at once."""
    hazard.rectified_on = rectified_on
    hazard.rectification = rectification
    hazard.overdue_since = None
    hazard.full_clean()
    hazard.save()
    return hazard


@transaction.atomic
def hazard_photo_add(*, hazard: SafetyHazard, photo: HazardPhoto, actor=None) -> HazardPhoto:
    """Attach an evidence photo to a hazard."""
    photo.hazard = hazard
    photo.uploaded_by = actor
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def request_save(*, resident_request: ResidentRequest, actor=None) -> ResidentRequest:
    """Record or change a resident's request; assigning it moves it from received to assigned."""
    if resident_request.pk is None:
        resident_request.created_by = actor
    require_record_place(actor, resident_request)
    assigned = resident_request.assigned_department_id or resident_request.assigned_township_id
    if assigned and resident_request.status == ResidentRequest.Status.RECEIVED:
        resident_request.status = ResidentRequest.Status.ASSIGNED
        resident_request.assigned_at = timezone.now()
    if not assigned and resident_request.status == ResidentRequest.Status.ASSIGNED:
        resident_request.status = ResidentRequest.Status.RECEIVED
        resident_request.assigned_at = None
    if resident_request.deadline is None or resident_request.deadline >= timezone.localdate():
        resident_request.overdue_since = None
    resident_request.full_clean()
    resident_request.save()
    return resident_request


@transaction.atomic
def request_answer(
    *, resident_request: ResidentRequest, answer: str, answered_on: datetime.date, actor=None
) -> ResidentRequest:
    """Record the answer given to the resident; an answered request is no longer overdue."""
    if resident_request.status == ResidentRequest.Status.CLOSED:
        raise ValidationError(_("This request is closed; it cannot be answered again."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer given to the resident.")})
    if answered_on < resident_request.received_on:
        raise ValidationError({"answered_on": _("A request cannot be answered before it was received.")})
    if answered_on > timezone.localdate():
        raise ValidationError({"answered_on": _("The date answered cannot be in the future.")})
    resident_request.answer = answer.strip()
    resident_request.answered_on = answered_on
    resident_request.answered_by = actor
    resident_request.status = ResidentRequest.Status.ANSWERED
    resident_request.overdue_since = None
    resident_request.save()
    return resident_request


@transaction.atomic
def request_close(*, resident_request: ResidentRequest, satisfaction: str, actor) -> ResidentRequest:
    """Close an answered request with the resident's satisfaction, noting who closed it."""
    if resident_request.status != ResidentRequest.Status.ANSWERED:
        raise ValidationError(_("Only an answered request can be closed."))
    if satisfaction not in ResidentRequest.Satisfaction.values:
        raise ValidationError({"satisfaction": _("Record how satisfied the resident is.")})
    resident_request.satisfaction = satisfaction
    resident_request.status = ResidentRequest.Status.CLOSED
    resident_request.closed_at = timezone.now()
    resident_request.closed_by = actor
    resident_request.save()
    return resident_request


@transaction.atomic
def asset_income_plan_save(
    *,
    asset: ProjectAsset,
    year: int,
    income: Decimal,
    distributions: dict[str, tuple[Decimal, Decimal]],
    plan_approved_on: datetime.date | None = None,
    plan_approved_by: str = "",
    notes: str = "",
    actor=None,
) -> AssetIncome:
    """Save an asset's income of a year and its distribution plan over the eight uses.

    ``distributions`` maps a use to (planned, spent). A plan distributing more than the income,
    or a use spending more than planned for it, is refused with a ValidationError saying why.
    """
    income = Decimal(income)
    errors = []
    unknown = set(distributions) - set(DistributionUse.values)
    if unknown:
        raise ValidationError(_("Unknown use of asset income: %(uses)s.") % {"uses": ", ".join(sorted(unknown))})
    if income < 0:
        errors.append(_("The income cannot be negative."))
    planned_total = sum((Decimal(p) for p, _s in distributions.values()), Decimal("0"))
    if planned_total > income:
        errors.append(
            _(
                "The plan distributes %(planned)s yuan, more than the year's income of %(income)s yuan: "
                "reduce the planned amounts by %(excess)s yuan."
            )
            % {
                "planned": f"{planned_total:,.2f}",
                "income": f"{income:,.2f}",
                "excess": f"{planned_total - income:,.2f}",
            }
        )
    for use, (planned, spent) in distributions.items():
        if Decimal(planned) < 0 or Decimal(spent) < 0:
            errors.append(_("%(use)s: amounts cannot be negative.") % {"use": DistributionUse(use).label})
        elif Decimal(spent) > Decimal(planned):
            errors.append(
                _("%(use)s: %(spent)s yuan spent, more than the %(planned)s yuan planned.")
                % {
                    "use": DistributionUse(use).label,
                    "spent": f"{Decimal(spent):,.2f}",
                    "planned": f"{Decimal(planned):,.2f}",
                }
            )
    if errors:
        raise ValidationError(errors)
    record, _created = AssetIncome.objects.update_or_create(
        asset=asset,
        year=year,
        defaults={
            "income": income,
            "plan_approved_on": plan_approved_on,
            "plan_approved_by": plan_approved_by,
            "notes": notes,
        },
    )
    existing = {d.use: d for d in record.distributions.all()}
    for use, (planned, spent) in distributions.items():
        line = existing.get(use) or AssetDistribution(income=record, use=use)
        if line.pk and line.planned == Decimal(planned) and line.spent == Decimal(spent):
            continue  # unchanged lines leave no history entry
        line.planned, line.spent = Decimal(planned), Decimal(spent)
        line.save()
    return record


def _site_staff(settlement_ids: set[int], township_ids: set[int]):
    """Active staff covering these sites or townships (the people who keep the ledgers)."""
    return User.objects.filter(
        Q(settlements__in=settlement_ids) | Q(townships__in=township_ids),
        is_active=True,
        role__in=[User.Role.TOWNSHIP_STAFF, User.Role.SETTLEMENT_STAFF, User.Role.HEAD],
    ).distinct()


def hazards_flag_overdue(*, today: datetime.date | None = None) -> dict:
    """Flag open hazards past their deadline and notify their site's staff once; clear flags of the
    rectified or re-scheduled. Safe to run again: a flagged hazard is neither re-flagged nor re-notified."""
    from notifications.services import notify

    today = today or timezone.localdate()
    now = timezone.now()
    cleared = (
        SafetyHazard.objects.unscoped()
        .filter(overdue_since__isnull=False)
        .filter(Q(rectified_on__isnull=False) | Q(deadline__gte=today))
        .update(overdue_since=None)
    )
    flagged = notified = 0
    candidates = (
        SafetyHazard.objects.unscoped()
        .overdue(today)
        .filter(overdue_since__isnull=True)
        .select_related("settlement", "settlement__township", "household")
    )
    for hazard in candidates.iterator(chunk_size=500):
        # Claim the row: a second run, or a second worker, finds it already flagged.
        if not SafetyHazard.objects.filter(pk=hazard.pk, overdue_since__isnull=True).update(overdue_since=now):
            continue
        flagged += 1
        site = hazard.settlement
        notified += notify(
            users=_site_staff({site.pk}, {site.township_id}),
            kind="hazard_overdue",
            title=_("Hazard not rectified in time: %(site)s, %(type)s")
            % {"site": site.name, "type": hazard.get_hazard_type_display()},
            body=_("Deadline %(deadline)s, responsible unit %(unit)s.")
            % {"deadline": hazard.deadline.strftime("%Y-%m-%d"), "unit": hazard.responsible_unit},
            url=reverse("settlements:hazard_detail", kwargs={"hazard_pk": hazard.pk}),
            dedupe_key=f"settlements:hazard-overdue:{hazard.pk}:{hazard.deadline:%Y%m%d}",
        )
    return {"flagged": flagged, "cleared": cleared, "notified": notified}


def requests_flag_overdue(*, today: datetime.date | None = None) -> dict:
    """Flag unanswered requests past their deadline and notify the site's staff and the assignee once;
    clear flags of the answered or re-scheduled."""
    from notifications.services import notify

    today = today or timezone.localdate()
    now = timezone.now()
    cleared = (
        ResidentRequest.objects.unscoped()
        .filter(overdue_since__isnull=False)
        .filter(~Q(status__in=OPEN_REQUEST) | Q(deadline__isnull=True) | Q(deadline__gte=today))
        .update(overdue_since=None)
    )
    flagged = notified = 0
    candidates = (
        ResidentRequest.objects.unscoped()
        .overdue(today)
        .filter(overdue_since__isnull=True)
        .select_related("settlement")
    )
    for item in candidates.iterator(chunk_size=500):
        if not ResidentRequest.objects.filter(pk=item.pk, overdue_since__isnull=True).update(overdue_since=now):
            continue
        flagged += 1
        users = list(_site_staff({item.settlement_id}, {item.settlement.township_id}))
        if item.assigned_department_id:
            users += list(User.objects.filter(department_id=item.assigned_department_id, is_active=True))
        if item.assigned_township_id:
            users += list(_site_staff(set(), {item.assigned_township_id}))
        notified += notify(
            users=users,
            kind="request_overdue",
            title=_("Resident request not answered in time: %(site)s") % {"site": item.settlement.name},
            body=_("Received %(received)s, deadline %(deadline)s.")
            % {"received": item.received_on.strftime("%Y-%m-%d"), "deadline": item.deadline.strftime("%Y-%m-%d")},
            url=reverse("settlements:request_detail", kwargs={"request_pk": item.pk}),
            dedupe_key=f"settlements:request-overdue:{item.pk}:{item.deadline:%Y%m%d}",
        )
    return {"flagged": flagged, "cleared": cleared, "notified": notified}
