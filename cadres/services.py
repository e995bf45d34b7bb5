"""Writes of responsible cadres (帮扶责任人): assign one by one, unassign, assign in bulk (the Excel import)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from relocation import idnumbers
from relocation.models import Household

from .models import HouseholdCadre
from .rules import may_answer_for

FIELDS = ("user_id", "name", "phone", "unit")


def cadre_values(*, household: Household, user=None, name: str = "", phone: str = "", unit: str = "") -> dict:
    """The checked values of an assignment; raises ValidationError with Chinese messages per field."""
    errors = {}
    name, unit = (name or "").strip(), (unit or "").strip()
    try:
        phone = idnumbers.normalize_phone(phone or "")
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if user is not None:
        if not may_answer_for(user, household):
            errors["user"] = _(
                "%(name)s does not work for %(township)s: a household's responsible cadre must be a cadre of "
                "its own township or settlement site."
            ) % {"name": user.display_name, "township": household.township.name}
        name = name or user.display_name
        if not phone and "phone" not in errors:
            phone = user.phone or ""
    else:
        if not name:
            errors["name"] = _("Give the name of the responsible cadre, or choose a portal user.")
        if not phone and "phone" not in errors:
            errors["phone"] = _("Give the phone of a responsible cadre who has no portal account.")
        if not unit:
            errors["unit"] = _("Give the work unit of a responsible cadre who has no portal account.")
    if errors:
        raise ValidationError(errors)
    return {"user_id": user.pk if user is not None else None, "name": name[:50], "phone": phone, "unit": unit[:60]}


@transaction.atomic
def cadre_assign(
    *, household: Household, actor, user=None, name: str = "", phone: str = "", unit: str = ""
) -> HouseholdCadre:
    """Name the household's responsible cadre (a portal user, or a named person with phone and unit)."""
    values = cadre_values(household=household, user=user, name=name, phone=phone, unit=unit)
    current = HouseholdCadre.objects.select_for_update().filter(household=household).first()
    if current is not None and all(getattr(current, f) == values[f] for f in FIELDS):
        return current
    cadre = current or HouseholdCadre(household=household)
    for field, value in values.items():
        setattr(cadre, field, value)
    cadre.assigned_by = actor
    cadre._change_reason = _("Assigned on the household's page")
    cadre._history_user = actor
    cadre.save()
    return cadre


@transaction.atomic
def cadre_unassign(*, household: Household, actor) -> bool:
    """Leave the household without a responsible cadre (kept in the history); False if it had none."""
    cadre = HouseholdCadre.objects.select_for_update().filter(household=household).first()
    if cadre is None:
        return False
    cadre._history_user = actor
    cadre._change_reason = _("Responsible cadre removed")
    cadre.delete()
    return True


def cadre_write_rows(*, creates: list[dict], updates: list[tuple[int, dict, dict]], actor, reason: str) -> int:
    """Write checked rows of the Excel import with their history; the caller holds the transaction.

    ``creates``: attribute dicts with ``household_id``; ``updates``: (household pk, changed attributes, values).
    """
    now = timezone.now()
    history = {"default_user": actor, "default_change_reason": reason[:100]}
    objs = [HouseholdCadre(**values, assigned_by=actor, assigned_at=now) for values in creates]
    if objs:
        bulk_create_with_history(objs, HouseholdCadre, batch_size=1000, **history)
    if updates:
        existing = HouseholdCadre.objects.in_bulk([pk for pk, _c, _v in updates])
        changed = []
        for pk, changes, _values in updates:
            cadre = existing[pk]
            for attr, value in changes.items():
                setattr(cadre, attr, value)
            cadre.assigned_by, cadre.assigned_at = actor, now
            changed.append(cadre)
        fields = ["user", "name", "phone", "unit", "assigned_by", "assigned_at"]
        bulk_update_with_history(changed, HouseholdCadre, fields, batch_size=1000, **history)
    return len(objs) + len(updates)
