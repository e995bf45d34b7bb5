"""A readable change history of a ledger row and the rows kept under it, from django-simple-history."""

from dataclasses import dataclass
from datetime import datetime

from relocation.idnumbers import mask_phone

HISTORY_LIMIT = 200
PHONE_FIELDS = {"requester_phone", "maintainer_contact", "site_head_phone"}
HIDDEN_FIELDS = {"updated_at", "overdue_since", "alert_id", "created_by"}


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
    elif field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        value = related if related is not None else value
    if mask and field_name in PHONE_FIELDS:
        value = mask_phone(str(value))
    return str(value)


def changes_of(histories, *, mask: bool = True) -> list[Change]:
    """Every recorded change in the given history querysets (the row's and its children's), newest first."""
    changes = []
    for history in histories:
        for record in history.select_related("history_user").order_by("-history_date")[:HISTORY_LIMIT]:
            fields = []
            if record.history_type == "~":
                previous = record.prev_record
                if previous is None:
                    continue
                for change in record.diff_against(previous, excluded_fields=HIDDEN_FIELDS).changes:
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
            what = f"{record.instance_type._meta.verbose_name}：{record.instance}"
            changes.append(Change(record.history_date, who, what, record.history_type, fields))
    return sorted(changes, key=lambda c: c.at, reverse=True)
