"""A readable change history of a household and its members, from django-simple-history."""

from dataclasses import dataclass
from datetime import datetime

from .idnumbers import mask_id_number, mask_phone
from .models import Household, Member

MASKERS = {"id_number": mask_id_number, "phone": mask_phone}
HISTORY_LIMIT = 200
# Ledger fields the portal fills in itself: a change of them is not a change anybody made.
LEDGER_SKIPPED = {"member_employment", "source", "recorded_by", "created_at"}


@dataclass
class Change:
    at: datetime
    who: str
    what: str
    kind: str  # "+", "~" or "-"
    fields: list[tuple[str, str, str]]  # (field label, old, new)


def _display(record, field_name, value, mask):
    if value in (None, ""):
        return ""
    field = record.instance_type._meta.get_field(field_name)
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    if mask and field_name in MASKERS:
        value = MASKERS[field_name](str(value))
    return str(value)


def _what(record) -> str:
    meta = record.instance_type._meta
    if meta.model_name == "ledgerentry":
        return f"{meta.verbose_name}：{record.period:%Y年%-m月}"
    return str(meta.verbose_name) + "：" + (record.name if hasattr(record, "name") else record.head_name)


def changes_of(household: Household, *, mask: bool = True) -> list[Change]:
    """Every recorded change of the household, its members and its monthly ledger, newest first."""
    from django.apps import apps

    LedgerEntry = apps.get_model("monitoring", "LedgerEntry")
    records = (
        list(household.history.select_related("history_user").order_by("-history_date")[:HISTORY_LIMIT])
        + list(
            Member.history.filter(household_id=household.pk)
            .select_related("history_user")
            .order_by("-history_date")[:HISTORY_LIMIT]
        )
        + list(
            LedgerEntry.history.filter(household_id=household.pk)
            .select_related("history_user")
            .order_by("-history_date")[:HISTORY_LIMIT]
        )
    )
    changes = []
    for record in records:
        previous = record.prev_record
        fields = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in LEDGER_SKIPPED and record.instance_type._meta.model_name == "ledgerentry":
                    continue
                label = str(record.instance_type._meta.get_field(change.field).verbose_name)
                fields.append(
                    (
                        label,
                        _display(record, change.field, change.old, mask),
                        _display(record, change.field, change.new, mask),
                    )
                )
            if not fields:
                continue
        who = record.history_user.display_name if record.history_user else "—"
        changes.append(Change(record.history_date, who, _what(record), record.history_type, fields))
    return sorted(changes, key=lambda c: c.at, reverse=True)
