"""Writes of the monitoring loop. Views, admin actions, tasks and tests all call these."""

import datetime
import hashlib
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.models import Household, Member

from .models import (
    Alert,
    AnnualIncome,
    Application,
    DepartmentRoster,
    LedgerEntry,
    MonitoringCase,
    RiskType,
    RosterRow,
    Thresholds,
    Visit,
    VisitPhoto,
    first_of_month,
)

DEFAULT_VISIT_INTERVAL = 90  # days, only when no thresholds have been set up at all


class NoThresholds(ValidationError):
    pass


def thresholds_in_force(day: datetime.date | None = None) -> Thresholds:
    """The thresholds for ``day``'s year, or a clear error telling the administrator to set them."""
    found = Thresholds.for_date(day)
    if found is None:
        raise NoThresholds(_("No monitoring thresholds have been set for this year; ask the administrator."))
    return found


# Alerts -----------------------------------------------------------------------------------------


def alert_raise(
    *,
    household: Household,
    rule: str,
    period: datetime.date | None,
    evidence: dict,
    source: str = "",
    actor=None,
) -> Alert:
    """Raise an alert once: the same household, rule and period give back the existing alert."""
    existing = Alert.objects.filter(household=household, rule=rule, period=period).first()
    if existing is not None:
        return existing
    try:
        # A savepoint, so that losing a race to a concurrent raise does not spoil the caller's transaction.
        with transaction.atomic():
            alert = Alert.objects.create(
                household=household,
                rule=rule,
                period=period,
                evidence=evidence,
                source=source or Alert.Source.OTHER,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        return Alert.objects.get(household=household, rule=rule, period=period)
    transaction.on_commit(lambda: notify_new_alert(alert.pk))
    return alert


def notify_new_alert(alert_pk: int) -> int:
    """Tell the staff responsible for the household's township or site about one new alert."""
    from notifications.services import notify

    from .selectors import responsible_staff

    alert = Alert.objects.select_related("household").get(pk=alert_pk)
    household = alert.household
    return notify(
        users=responsible_staff(household),
        kind="monitoring.alert",
        title=_("New alert: %(rule)s, %(head)s") % {"rule": alert.get_rule_display(), "head": household.head_name},
        body=_("Household %(code)s. Verify it in the alert queue.") % {"code": household.code},
        url=reverse("monitoring:alert_detail", kwargs={"alert_pk": alert.pk}),
        dedupe_key=f"alert-{alert.pk}",
    )


@transaction.atomic
def alert_dismiss(*, alert: Alert, reason: str, actor) -> Alert:
    """Close an alert after verification found no risk; the reason is required and kept."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for dismissing the alert.")})
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != Alert.Status.OPEN:
        raise ValidationError(_("This alert has already been dealt with."))
    alert.status = Alert.Status.DISMISSED
    alert.resolution = reason
    alert.resolved_at = timezone.now()
    alert.resolved_by = actor
    alert.save(update_fields=["status", "resolution", "resolved_at", "resolved_by"])
    return alert


def clean_risk_types(risk_types: Iterable[str]) -> list[str]:
    risk_types = list(dict.fromkeys(risk_types or []))
    unknown = [r for r in risk_types if r not in RiskType.values]
    if unknown:
        raise ValidationError({"risk_types": _("Unknown risk type: %(v)s") % {"v": ", ".join(unknown)}})
    return risk_types


def alert_identify(
    *,
    alert: Alert,
    object_type: str,
    risk_types: Iterable[str],
    discovery_channel: str,
    identified_at: datetime.date,
    notes: str = "",
    fast_lane: bool = False,
    actor,
) -> MonitoringCase:
    """Take the alert into the identification procedure (its clue); see ``monitoring/procedure.py``."""
    from .procedure import case_open

    return case_open(
        alert=alert,
        object_type=object_type,
        risk_types=list(risk_types or []),
        discovery_channel=discovery_channel,
        identified_at=identified_at,
        notes=notes,
        fast_lane=fast_lane,
        actor=actor,
    )


# Cases ------------------------------------------------------------------------------------------


@transaction.atomic
def case_track_long_term(*, case: MonitoringCase, actor, note: str = "") -> MonitoringCase:
    """Put an approved case under long-term tracking (no labour capacity, safety net)."""
    case = MonitoringCase.objects.select_for_update().get(pk=case.pk)
    if case.status != MonitoringCase.Status.APPROVED or case.procedure:
        raise ValidationError(
            _("Only a confirmed case with no procedure under way can be put under long-term tracking.")
        )
    case.status = MonitoringCase.Status.LONG_TERM
    case.notes = f"{case.notes}\n{note}".strip() if note else case.notes
    case.save(update_fields=["status", "notes", "updated_at"])
    return case


# Ledgers and visits ------------------------------------------------------------------------------

LEDGER_AMOUNTS = [
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "production_cost",
    "medical_expense",
    "schooling_expense",
]


ANNUAL_AMOUNTS = [*LEDGER_AMOUNTS]


@transaction.atomic
def annual_income_save(
    *,
    household: Household,
    year: int,
    household_size: int,
    actor=None,
    source: str = "form",
    notes: str = "",
    **amounts: Decimal,
) -> AnnualIncome:
    """Create or update the household's income accounting for ``year`` (one per year); refuses a
    future year, a household of nobody and costs larger than the income (ValidationError)."""
    unknown = set(amounts) - set(ANNUAL_AMOUNTS)
    if unknown:
        raise TypeError(f"unknown income fields: {sorted(unknown)}")
    for name, value in amounts.items():
        if value is not None and Decimal(value) < 0:
            raise ValidationError({name: _("An amount cannot be negative.")})
    record = AnnualIncome.objects.filter(household=household, year=year).first() or AnnualIncome(
        household=household, year=year
    )
    for name, value in amounts.items():
        setattr(record, name, Decimal(value or 0))
    record.household_size = household_size
    record.notes = notes or record.notes
    record.source = source
    record.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    record.full_clean(exclude=["household"])
    record.save()
    return record


def employment_snapshot(household: Household) -> tuple[int, list[dict]]:
    """(employed members, employment of each working-age member) as the household stands now."""
    today = timezone.localdate()
    rows, employed = [], 0
    for m in Member.objects.filter(household=household):
        employed += m.is_employed
        age = today.year - m.birth_date.year - ((today.month, today.day) < (m.birth_date.month, m.birth_date.day))
        if 16 <= age < 65:
            rows.append({"member": m.pk, "name": m.name, "employment": m.employment})
    return employed, rows


def ledger_version(entry: LedgerEntry | None) -> str:
    """A fingerprint of a month's figures as stored: "" for a month with no entry yet."""
    if entry is None or entry.pk is None:
        return ""
    values = [str(getattr(entry, name)) for name in (*LEDGER_VERSION_FIELDS, *LEDGER_AMOUNTS)]
    return hashlib.sha256("|".join(values).encode()).hexdigest()[:16]


LEDGER_VERSION_FIELDS = ("household_size", "community_integration", "notes")


@transaction.atomic
def ledger_entry_save(
    *,
    household: Household,
    period: datetime.date,
    actor=None,
    source: str = LedgerEntry.Source.FORM,
    household_size: int | None = None,
    community_integration: str = "",
    notes: str = "",
    expected_version: str | None = None,
    **amounts: Decimal,
) -> LedgerEntry:
    """Create or update the household's entry for the month of ``period`` (one per month).

    ``expected_version`` (the form's): the month as the user loaded it (ledger_version, "" for a
    new month). When the stored month differs, somebody saved it in between and nothing is
    written: the user must look at the new figures first. Imports and visits pass None.
    """
    unknown = set(amounts) - set(LEDGER_AMOUNTS)
    if unknown:
        raise TypeError(f"unknown ledger fields: {sorted(unknown)}")
    period = first_of_month(period)
    if period > timezone.localdate():
        raise ValidationError({"period": _("The month cannot be in the future.")})
    for name, value in amounts.items():
        if value is not None and Decimal(value) < 0:
            raise ValidationError({name: _("An amount cannot be negative.")})
    employed, snapshot = employment_snapshot(household)
    size = household_size or Member.objects.filter(household=household).count() or 1
    entry = LedgerEntry.objects.select_for_update().filter(household=household, period=period).first() or LedgerEntry(
        household=household, period=period
    )
    if expected_version is not None and ledger_version(entry) != expected_version:
        raise ValidationError(
            _(
                "The ledger of %(month)s was changed by %(who)s at %(when)s after you opened it; nothing was "
                "saved. The form now shows the figures as they are: check them and save again."
            )
            % {
                "month": f"{period:%Y-%m}",
                "who": entry.recorded_by.display_name if entry.recorded_by else "—",
                "when": timezone.localtime(entry.updated_at).strftime("%Y-%m-%d %H:%M") if entry.updated_at else "—",
            },
            code="stale",
        )
    for name, value in amounts.items():
        setattr(entry, name, Decimal(value or 0))
    entry.household_size = size
    entry.employed_members = employed
    entry.member_employment = snapshot
    entry.community_integration = community_integration or entry.community_integration
    entry.notes = notes or entry.notes
    entry.source = source
    entry.recorded_by = actor
    entry.full_clean(exclude=["month_index"])
    entry.save()
    return entry


def next_visit_default(household: Household, visited_on: datetime.date) -> datetime.date:
    """The next visit due after one on ``visited_on``, by the interval the year's thresholds set for its status."""
    thresholds = Thresholds.for_date(visited_on)
    days = thresholds.visit_interval(household.status) if thresholds else DEFAULT_VISIT_INTERVAL
    return visited_on + datetime.timedelta(days=days)


@transaction.atomic
def visit_record(
    *,
    household: Household,
    visited_on: datetime.date,
    findings: str,
    actor,
    visitors: Iterable = (),
    other_visitors: str = "",
    difficulties: str = "",
    next_visit_on: datetime.date | None = None,
    member_employment: dict[int, str] | None = None,
    ledger: dict | None = None,
    photos: Iterable = (),
) -> Visit:
    """Record a return visit: members' employment as found, the month's ledger if given, photos, next visit."""
    today = timezone.localdate()
    if visited_on > today:
        raise ValidationError({"visited_on": _("The visit date cannot be in the future.")})
    if not (findings or "").strip():
        raise ValidationError({"findings": _("Describe what the visit found.")})
    next_visit_on = next_visit_on or next_visit_default(household, visited_on)
    if next_visit_on <= visited_on:
        raise ValidationError({"next_visit_on": _("The next visit must come after this one.")})
    visit = Visit.objects.create(
        household=household,
        visited_on=visited_on,
        other_visitors=other_visitors,
        findings=findings.strip(),
        difficulties=(difficulties or "").strip(),
        next_visit_on=next_visit_on,
        recorded_by=actor,
    )
    visit.visitors.set({*visitors, actor} if actor else set(visitors))
    for member_pk, employment in (member_employment or {}).items():
        if employment not in Member.Employment.values:
            raise ValidationError(_("Unknown employment status."))
        member = Member.objects.get(pk=member_pk, household=household)
        if member.employment != employment:
            member.employment = employment
            member.save(update_fields=["employment", "updated_at"])
    if ledger and any(ledger.get(k) for k in LEDGER_AMOUNTS):
        ledger_entry_save(
            household=household, period=visited_on, actor=actor, source=LedgerEntry.Source.VISIT, **ledger
        )
    for photo in photos:
        VisitPhoto.objects.create(visit=visit, image=resize_photo(photo))
    return visit


PHOTO_MAX_SIDE = 1600


def resize_photo(upload):
    """A phone photo shrunk to at most 1600 pixels a side, as JPEG, its orientation applied and metadata dropped."""
    from io import BytesIO

    from django.core.files.uploadedfile import InMemoryUploadedFile
    from PIL import Image, ImageOps

    try:
        image = Image.open(upload)
        image = ImageOps.exif_transpose(image)
    except Exception as exc:  # Pillow raises many kinds for a file that is not an image
        raise ValidationError(_("The file %(name)s is not a photo.") % {"name": getattr(upload, "name", "")}) from exc
    image = image.convert("RGB")
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = BytesIO()
    # Saving anew drops EXIF, which may carry the household's GPS position.
    image.save(out, format="JPEG", quality=82, optimize=True)
    name = (getattr(upload, "name", "photo") or "photo").rsplit(".", 1)[0][:60] + ".jpg"
    return InMemoryUploadedFile(out, "image", name, "image/jpeg", out.tell(), None)


# Applications and department rosters ------------------------------------------------------------


@transaction.atomic
def application_record(
    *,
    household: Household,
    applied_on: datetime.date,
    applicant: str,
    description: str,
    actor,
    channel: str = Application.Channel.SELF_APPLICATION,
    risk_types: Iterable[str] = (),
) -> Application:
    """Record a household's application (or a cadre's report) and put it into the alert queue."""
    if applied_on > timezone.localdate():
        raise ValidationError({"applied_on": _("The date of application cannot be in the future.")})
    risk_types = clean_risk_types(risk_types)
    application = Application.objects.create(
        household=household,
        channel=channel,
        applied_on=applied_on,
        applicant=applicant.strip(),
        description=description.strip(),
        risk_types=risk_types,
        recorded_by=actor,
    )
    rule = Alert.Rule.SELF_APPLICATION if channel == Application.Channel.SELF_APPLICATION else Alert.Rule.CADRE_CHECK
    alert = alert_raise(
        household=household,
        rule=rule,
        period=applied_on,
        evidence={
            "application": application.pk,
            "applicant": application.applicant,
            "risk_types": risk_types,
            "description": application.description[:300],
        },
        source=Alert.Source.APPLICATION,
        actor=actor,
    )
    if not hasattr(alert, "application"):
        application.alert = alert
        application.save(update_fields=["alert"])
    return application


@transaction.atomic
def roster_upload(
    *,
    department,
    fact: str,
    period: datetime.date,
    title: str,
    rows: list[dict],
    actor,
    file_name: str = "",
) -> DepartmentRoster:
    """Match a department's roster to members by ID number; each match raises an alert to its township.

    ``rows`` are dicts with ``row_number``, ``id_number`` (already normalised, or "" with ``problem``),
    ``name``, ``detail``, ``amount``. Unmatched rows are kept so the bureau sees them reported back.
    """
    roster = DepartmentRoster.objects.create(
        department=department,
        fact=fact,
        period=period,
        title=title,
        file_name=file_name[:200],
        row_count=len(rows),
        uploaded_by=actor,
    )
    numbers = {r["id_number"] for r in rows if r.get("id_number")}
    members = {
        m.id_number: m for m in Member.objects.filter(id_number__in=numbers).select_related("household__township")
    }
    matched = 0
    for r in rows:
        member = members.get(r.get("id_number") or "")
        row = RosterRow(
            roster=roster,
            row_number=r["row_number"],
            id_number=r.get("id_number") or str(r.get("raw_id", ""))[:18],
            name=(r.get("name") or "")[:50],
            detail=(r.get("detail") or "")[:300],
            amount=r.get("amount"),
            problem=r.get("problem", ""),
        )
        if member is not None:
            matched += 1
            household = member.household
            row.member, row.household, row.township = member, household, household.township
            row.alert = alert_raise(
                household=household,
                rule=Alert.Rule.ROSTER_HIT,
                period=period,
                evidence={
                    "roster": roster.pk,
                    "department": department.name,
                    "fact": fact,
                    "fact_label": str(DepartmentRoster.Fact(fact).label),
                    "member": member.name,
                    "detail": row.detail,
                    "amount": str(row.amount) if row.amount is not None else None,
                },
                source=Alert.Source.ROSTER,
                actor=actor,
            )
        elif not row.problem:
            row.problem = _("No relocated household member has this ID number.")
        row.save()
    roster.matched_count = matched
    roster.save(update_fields=["matched_count"])
    return roster
