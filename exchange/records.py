"""Import kinds that are plain records of a site or a member: the five site ledgers and employment.

Each kind declares (in its own app: ``settlements/resources.py``, ``assistance/resources.py``) a
:class:`RecordKind`: its columns (a :class:`exchange.columns.Spec`), its model, the natural key a
row is matched on (so that importing the same file twice changes nothing), and a ``resolve``
step that turns names into database rows (安置点 → site, 户编号 → household, 身份证号码 → member)
inside the uploader's scope. This module does the rest the same way for every kind: a repeated key
in the workbook, the model's own rules (``clean()``: a deadline before the day found, a date in
the future...), the sort into new / changed / unchanged, and the write with history rows.

Ledgers are small (a site keeps tens to hundreds of rows a year), so the writes go through the
ORM (``bulk_create_with_history`` / ``bulk_update_with_history``) on both databases.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .columns import Spec


@dataclass
class RecordKind:
    spec: Spec
    model: type
    key: tuple[str, ...]  # row attributes (after resolve) that identify a record
    # (rows, analysis, gate) -> the rows whose places were found in scope; errors go to analysis.
    resolve: Callable
    author_field: str = "created_by"  # set to the importing user on new rows
    after_write: Callable | None = None  # (model instances written, actor) -> None
    # Attributes read from the sheet but not stored (e.g. the member's name, checked against the ID).
    unstored: tuple[str, ...] = ()
    stubs: dict = field(default_factory=dict)  # fk attr -> callable(values) giving an unsaved stand-in for clean()


REGISTRY: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    REGISTRY[kind.spec.kind] = kind
    return kind


def kinds() -> dict[str, RecordKind]:
    """Every record kind, once the apps that declare them are imported."""
    import assistance.resources  # noqa: F401
    import settlements.resources  # noqa: F401

    return REGISTRY


def _header(row, attr: str, spec: Spec) -> str:
    if attr in row.headers:
        return row.headers[attr]
    try:
        return str(spec.column(attr).header)
    except StopIteration:
        return next(iter(row.headers.values()), attr)


def check(kind: RecordKind, rows, analysis, gate, report) -> None:
    """Validate a sheet of one record kind and sort its valid rows into new / changed / unchanged."""
    from . import importer

    model, spec = kind.model, kind.spec
    rows = kind.resolve(rows, analysis, gate)
    seen: dict[tuple, int] = {}
    candidates = []
    fk = {f.name for f in model._meta.concrete_fields if f.is_relation}
    for row in rows:
        v = row.values
        if (row.sheet, row.number) in analysis.invalid_rows:
            continue
        for attr in kind.unstored:
            v.pop(attr, None)
        for attr in kind.key:
            if v.get(attr) is None:
                v[attr] = importer._empty(model, attr)
        key = tuple(v.get(a) for a in kind.key)
        if key in seen:
            analysis.error(
                row.sheet,
                row.number,
                _header(row, kind.key[-1], spec),
                _("This record repeats row %(r)s (same %(fields)s).")
                % {"r": seen[key], "fields": "、".join(_header(row, a, spec) for a in kind.key)},
            )
            continue
        seen[key] = row.number
        # The model's own rules, as its form applies them.
        values = {}
        for attr, value in v.items():
            values[f"{attr}_id" if attr in fk else attr] = importer._empty(model, attr) if value is None else value
        instance = model(**values)
        for attr, stub in kind.stubs.items():
            if v.get(attr) is not None:
                setattr(instance, attr, stub(v))
        try:
            instance.clean()
        except ValidationError as exc:
            for attr, messages in exc.message_dict.items():
                for message in messages:
                    analysis.error(row.sheet, row.number, _header(row, attr, spec), message)
            continue
        candidates.append(row)

    def fetch(keys, attrs):
        scope = {}
        first = kind.key[0]
        scope[f"{first}__in"] = sorted({k[0] for k in keys if k[0] is not None})
        return model.objects.filter(**scope).values("pk", *attrs)

    importer._diff(
        model,
        candidates,
        analysis,
        report,
        spec.kind,
        key=lambda v: tuple(v.get(a) for a in kind.key),
        fetch=fetch,
        key_of=lambda obj: tuple(obj[a] for a in kind.key),
        gate=lambda obj: True,  # the rows' sites and members were checked against the scope
        foreign_message="",
        key_header=kind.key[0],
    )


def write(kind: RecordKind, analysis, *, actor, reason: str) -> int:
    """Write the checked rows with their history (the caller holds the import's transaction)."""
    model, name = kind.model, kind.spec.kind
    creates = analysis.creates.get(name, [])
    updates = analysis.updates.get(name, [])
    history = {"default_user": actor, "default_change_reason": reason}
    written = []
    if creates:
        objs = [model(**{**v, f"{kind.author_field}_id": actor.pk}) for v in creates]
        written += bulk_create_with_history(objs, model, batch_size=1000, **history)
    if updates:
        objs = model.objects.in_bulk([pk for pk, _c, _v in updates])
        fields = set()
        has_updated_at = any(f.name == "updated_at" for f in model._meta.concrete_fields)
        changed = []
        now = timezone.now()
        for pk, changes, _values in updates:
            obj = objs[pk]
            for attr, value in changes.items():
                setattr(obj, attr, value)
                fields.add(attr.removesuffix("_id") if attr.endswith("_id") else attr)
            if has_updated_at:
                obj.updated_at = now
                fields.add("updated_at")
            changed.append(obj)
        bulk_update_with_history(changed, model, sorted(fields), batch_size=1000, **history)
        written += changed
    if kind.after_write is not None and written:
        kind.after_write(written, actor)
    return len(creates) + len(updates)
