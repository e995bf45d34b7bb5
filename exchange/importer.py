"""The import engine: read every sheet, validate every cell, match rows to what exists, then write.

:func:`analyse` is the preview: it reads the workbook and the database and writes nothing, so no
signal fires and no task is sent. :func:`apply` writes an analysis that has no invalid row, in
bulk (``bulk_create_with_history`` / ``bulk_update_with_history``, so imported changes are in the
history too), and only the rows that differ from the database: importing the same file twice
changes nothing the second time. The caller wraps both steps of a commit in one transaction.

Validation is set-based: a query per 2,000 keys, never per row. django-import-export's row-by-row
path is kept for the admin (``resources.py``); at 100,000 households it is some 50 times slower.
"""

import contextlib
import datetime
import errno
import gc
import itertools
import operator
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.scope import scope_of
from relocation.models import RESETTLEMENT_OF, Household, Member
from relocation.resources import HOUSEHOLD_UNSTORED
from settlements.models import Settlement, Township, Village

from . import reader
from .cells import CellError, is_blank, text_of
from .columns import Spec, find_header, normalise_header

BATCH = 2000
MAX_ERRORS = 50_000  # kept on the record; beyond that the count is still exact
MAX_LISTED = 2_000  # warnings and new codes listed per sheet; their counts stay exact
MAX_SAMPLES = 5  # rows to be created, and rows to be changed, shown in the preview per sheet
Progress = Callable[[str, int, int], None]


def _specs():
    from cadres.resources import CADRES
    from monitoring.income_import import INCOMES
    from monitoring.resources import LEDGERS
    from relocation.resources import HOUSEHOLDS, MEMBERS

    from . import records
    from .reconcile import NATIONAL

    specs = {
        "national": NATIONAL,
        "households": HOUSEHOLDS,
        "members": MEMBERS,
        "ledgers": LEDGERS,
        "incomes": INCOMES,
        "cadres": CADRES,
    }
    specs.update({name: kind.spec for name, kind in records.kinds().items()})
    return specs


# Which sheet kinds an import of each kind takes from a workbook.
ACCEPTS = {
    "households": ("households", "members"),
    "members": ("members",),
    "ledgers": ("ledgers",),
    "incomes": ("incomes",),  # annual income accounting: monitoring/income_import.py
    "cadres": ("cadres",),
    # Site ledgers (settlements/resources.py) and employment records (assistance/resources.py).
    "facilities": ("facilities",),
    "hazards": ("hazards",),
    "activities": ("activities",),
    "requests": ("requests",),
    "assets": ("assets",),
    "employment": ("employment",),
    # Not an import: the national system's export, read for 账账相符 (exchange/reconcile.py).
    "national": ("national",),
}


@dataclass
class SheetReport:
    name: str
    kind: str = ""
    header_row: int = 0
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    hidden: int = 0
    note: str = ""
    # Shown in the preview, not errors: summary columns that disagree with the members, and the
    # codes given to new households of a roster without 户编号 (the first MAX_LISTED of each).
    warnings: list = field(default_factory=list)
    warning_count: int = 0
    new_codes: list = field(default_factory=list)
    heads_new: int = 0
    unrecognised: list = field(default_factory=list)  # headers of columns not read, as the sheet spells them
    headers_key: str = ""  # SHA-256 of the header row: where a column mapping is remembered
    mapped: dict = field(default_factory=dict)  # header -> field read through a remembered mapping
    fields: list = field(default_factory=list)  # [field, header] a column could still be mapped to
    # The first rows the import will create and change, as the preview shows them (masked):
    # {"row", "action": "new"|"changed", "fields": [[header, old, new], ...]}.
    samples: list = field(default_factory=list)

    def warn(self, row: int, column: str, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append({"row": row, "column": str(column), "message": str(message)})


@dataclass(slots=True)
class Row:
    sheet: str
    number: int
    values: dict
    headers: dict  # attr -> header text as the sheet spells it


@dataclass(slots=True)
class Columns:
    """A sheet's parsed cells column by column (``outputs[i]`` holds ``attrs[i]``), blank rows included.

    This is how the preview stores a workbook for its commit (``exchange.parsed``): a few long
    lists pickle many times faster than half a million small dictionaries.
    """

    sheet: str
    first: int  # the Excel number of the first row of ``outputs``
    headers: dict
    attrs: list[str]
    keep: list[bool]  # False for a blank row
    outputs: list[list]

    def rows(self) -> list[Row]:
        sheet, first, headers, attrs = self.sheet, self.first, self.headers, self.attrs
        return [
            Row(sheet, first + j, dict(zip(attrs, values, strict=True)), headers)
            for j, (keep, values) in enumerate(zip(self.keep, zip(*self.outputs, strict=True), strict=True))
            if keep
        ]


@dataclass
class Analysis:
    sheets: list[SheetReport] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    invalid_rows: set[tuple[str, int]] = field(default_factory=set)
    head_codes: dict[str, str] = field(default_factory=dict)  # head's ID number -> household code
    # kind -> rows to create (attribute dicts) / to update (pk, changed attributes)
    creates: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    updates: dict[str, list[tuple[int, dict]]] = field(default_factory=lambda: defaultdict(list))

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.error_count += 1
        self.invalid_rows.add((sheet, row))
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"sheet": sheet, "row": row, "column": str(column), "message": str(message)})

    @property
    def totals(self) -> dict:
        return {
            key: sum(getattr(s, key) for s in self.sheets) for key in ("rows", "new", "updated", "unchanged", "invalid")
        }


class Gate:
    """Where a user may write: the townships and settlement sites of their scope."""

    def __init__(self, user):
        self.scope = scope_of(user)

    def allows(self, township_id, settlement_id) -> bool:
        scope = self.scope
        return (
            scope.everything
            or township_id in scope.township_ids
            or (settlement_id is not None and settlement_id in scope.settlement_ids)
        )


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _empty(model, attr: str):
    """What a blank cell stores: the field's default, NULL or an empty string."""
    f = model._meta.get_field(attr)
    if f.has_default():
        return f.get_default()
    if f.null:
        return None
    if isinstance(f, models.BooleanField):
        return False
    return ""


def _same(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return old is not None and new is not None and Decimal(old) == Decimal(new)
        except (TypeError, ArithmeticError):
            return False
    return old == new


# ---------------------------------------------------------------------------------------------
# Reading sheets


class _Bad(str):
    """A cell's parse error, kept in a column's outputs like a value."""


# Above this many distinct values a column is parsed cell by cell rather than through a table of
# its distinct values (ID numbers, names: every value differs).
TABLE_LIMIT = 20_000


def _convert(raw, parse):
    """One cell: its value, None when blank, or a _Bad message."""
    if is_blank(raw):
        return None
    if parse is None:  # resolved later against places in the database
        return str(raw).strip()
    try:
        return parse(raw)
    except CellError as exc:
        return _Bad(str(exc))


def _convert_column(cells: list, parse) -> tuple[list, bool]:
    """Every cell of a column, and whether any is blank or bad; each distinct value is parsed once.

    A district roster has a few distinct values in most columns (types, townships, years, yes/no),
    so the lookup runs at C speed through ``map``. True, 1 and 1.0 are one dictionary key, so a
    column mixing booleans with numbers takes the cell-by-cell path.
    """
    distinct = set(cells)
    kinds = {v.__class__ for v in distinct} if len(distinct) <= TABLE_LIMIT else ()
    if kinds and not (bool in kinds and (int in kinds or float in kinds)):
        table = {value: _convert(value, parse) for value in distinct}
        special = any(v is None or v.__class__ is _Bad for v in table.values())
        return list(map(table.__getitem__, cells)), special
    if parse is not None and None not in distinct and "" not in distinct:
        # A column of distinct values (ID numbers, codes, names), usually all filled and valid:
        # parse them in one pass at C speed; any blank or bad cell sends the column the slow way.
        try:
            out = list(map(parse, cells))
        except CellError:
            pass
        else:
            if None not in out and "" not in out:
                return out, False
    return [_convert(value, parse) for value in cells], True


def headers_key(header_cells: list) -> str:
    """The identity of a header row, whatever its spacing or width: where a mapping is remembered."""
    import hashlib

    names = [normalise_header(c) for c in header_cells]
    while names and not names[-1]:
        names.pop()
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


def _refuse_wrong_kind(head: list, specs: list[Spec], found) -> None:
    """A national 防返贫监测信息系统 export given to an import, or a roster given for 账账相符: refused
    with the name of the upload it belongs to."""
    from .reconcile import NATIONAL, looks_national, national_message, roster_message

    if any(s.kind == "national" for s in specs):
        if found is not None and looks_national(found[2]):
            return
        from relocation.resources import HOUSEHOLDS, MEMBERS

        if found is not None or find_header(head, [HOUSEHOLDS, MEMBERS]) is not None:
            raise reader.BadFile(roster_message())
        return
    for _number, cells in head:
        if looks_national(NATIONAL.match(cells)):
            raise reader.BadFile(national_message())


# Rows converted at a time: the reader holds one chunk of Python rows, never a whole sheet's.
CHUNK_ROWS = 32_768


def _read_sheet(
    path, info: reader.SheetInfo, specs: list[Spec], analysis: Analysis, progress, mappings=None, sink=None
) -> tuple:
    """Find the header and parse every data row of one sheet: (spec, rows, columns) or (None, [], None).

    The rows are taken and converted a chunk at a time. With ``sink``, each chunk's converted
    columns go to ``sink(outputs)`` as they are made (the capped child hands them to its
    parent) and the result is (spec, _SheetRead, None): the parent rebuilds rows and columns.
    """
    report = SheetReport(name=info.name, hidden=len(info.hidden_rows))
    analysis.sheets.append(report)
    with _reading(info):
        opened = reader.sheet_rows(path, info.name, info)
        first_number, rows = opened.__enter__()
    try:
        return _read_rows(first_number, rows, info, report, specs, analysis, progress, mappings, sink)
    finally:
        opened.__exit__(None, None, None)


@contextlib.contextmanager
def _reading(info: reader.SheetInfo):
    """A library's failure while reading the sheet: the memory budget, or a damaged file."""
    try:
        yield
    except MemoryError:  # the capped child's budget: exchange.sandbox says so
        raise
    except reader.BadFile:
        raise
    except Exception as exc:
        from . import sandbox

        if getattr(exc, "errno", None) == errno.ENOMEM or "memory" in str(exc).lower() or sandbox.near_limit():
            raise MemoryError from exc  # the library's own words for the same budget
        message = _("Sheet “%(sheet)s” cannot be read; the file may be damaged.") % {"sheet": info.name}
        raise reader.BadFile(message) from None


@dataclass
class _SheetRead:
    """What the child says of a sheet besides its cells (which it sent in chunks)."""

    sheet: str
    first: int
    headers: dict
    attrs: list
    keep: list
    bad_cells: dict
    rebuild: bool  # rows must be built one by one (bad cells dropped, or a required column missing)


def _read_rows(first_number, rows, info, report, specs, analysis, progress, mappings, sink) -> tuple:
    with _reading(info):
        head_cells = list(itertools.islice(rows, 30))
    head = [(first_number + i, cells) for i, cells in enumerate(head_cells)]
    found = find_header(head, specs)
    _refuse_wrong_kind(head, specs, found)
    if found is None:
        report.note = _("No known header row; the sheet was skipped.")
        return None, [], None
    spec, position, mapping = found
    report.kind = spec.kind
    header_number, header_cells = head[position]
    report.header_row = header_number
    report.headers_key = headers_key(header_cells)
    remembered = (mappings or {}).get((spec.kind, report.headers_key), {})
    for i, cell in enumerate(header_cells):
        attr = remembered.get(text_of(cell))
        if i not in mapping and attr and attr not in mapping.values() and attr in {c.attr for c in spec.columns}:
            mapping[i] = attr
            report.mapped[text_of(cell)] = attr
    mapping = dict(sorted(mapping.items()))
    headers = {attr: str(header_cells[i]).strip() for i, attr in mapping.items()}
    report.fields = [[c.attr, str(c.header)] for c in spec.columns if c.attr not in headers]
    report.unrecognised = [
        text_of(cell) for i, cell in enumerate(header_cells) if i not in mapping and not is_blank(cell)
    ]
    missing = [c for c in spec.required if c.attr not in headers]
    # Rows come one per sheet row, blank ones included, so a row's Excel number is its position.
    first = header_number + 1
    width = max(mapping) + 1
    attrs = list(mapping.values())
    columns = [(index, attr, spec.column(attr)) for index, attr in mapping.items()]
    required_message = _("This cell is required.")
    formula_message = _("The formula cell has no computed result; paste it as a value.")
    keep_all: list[bool] = []
    outputs_all: list[list] = [[] for _a in attrs]
    bad_cells: dict[int, list[str]] = defaultdict(list)
    pending = head_cells[position + 1 :]
    del head, head_cells
    offset = 0  # of the chunk's first row from ``first``
    while True:
        with _reading(info):
            data = list(itertools.islice(rows, max(0, CHUNK_ROWS - len(pending))))
        if pending:
            data[:0] = pending
            pending = []
        if not data:
            break
        keep, outputs = _convert_chunk(
            data, info, analysis, first, offset, width, columns, headers, bad_cells, required_message, formula_message
        )
        del data
        keep_all += keep
        if sink is not None:
            sink(outputs)
        else:
            for whole, part in zip(outputs_all, outputs, strict=True):
                whole += part
        offset += len(keep)
        if progress:
            progress("read", offset, offset)
    keep = keep_all
    if missing:
        sheet = info.name
        for j, kept in enumerate(keep):
            if kept:
                for column in missing:
                    message = _("The sheet has no column “%(c)s”.") % {"c": column.header}
                    analysis.error(sheet, first + j, column.header, message)
    report.rows = sum(keep)
    bad_cells = dict(bad_cells)
    if sink is not None:
        return spec, _SheetRead(info.name, first, headers, attrs, keep, bad_cells, bool(bad_cells or missing)), None
    columns = Columns(info.name, first, headers, attrs, keep, outputs_all)
    return spec, _rows_of(columns, bad_cells, bool(bad_cells or missing)), columns


def _rows_of(columns: Columns, bad_cells: dict, rebuild: bool) -> list:
    if not rebuild:
        return columns.rows()
    parsed = []
    sheet, first, headers, attrs = columns.sheet, columns.first, columns.headers, columns.attrs
    for j, values in enumerate(zip(*columns.outputs, strict=True)):
        if not columns.keep[j]:
            continue
        row = Row(sheet, first + j, dict(zip(attrs, values, strict=True)), headers)
        for attr in bad_cells.get(j, ()):
            del row.values[attr]  # an unreadable cell has no value to check further
        parsed.append(row)
    return parsed


def _convert_chunk(
    data, info, analysis, first, offset, width, columns, headers, bad_cells, required_message, formula_message
) -> tuple[list, list]:
    """Convert one chunk of rows (``offset`` rows after ``first``); record its cell errors in order."""
    if min(map(len, data)) < width:
        data = [cells + [""] * (width - len(cells)) if len(cells) < width else cells for cells in data]
    # A row whose cells are all falsy may still hold a 0; check those few cell by cell.
    keep = [filled or not all(map(is_blank, cells)) for filled, cells in zip(map(any, data), data, strict=True)]
    outputs = []
    problems = []  # (row position, column position, header, message)
    # Formula cells saved without their computed value read as blank: say so, not "required".
    start = first + offset
    indexes = {index for index, _a, _c in columns}
    formula_at = (
        {(r - start, c) for r, c in info.formula_cells if 0 <= r - start < len(data) and c in indexes}
        if info.formula_cells
        else set()
    )
    for j, _c in formula_at:
        keep[j] = True
    for position_in_row, (index, attr, column) in enumerate(columns):
        out, special = _convert_column(list(map(operator.itemgetter(index), data)), column.parse)
        for j in sorted(j for j, c in formula_at if c == index and out[j] is None):
            problems.append((j, position_in_row, headers[attr], formula_message))
        for j, value in enumerate(out) if special else ():
            if value is None:
                if column.required and keep[j] and (j, index) not in formula_at:
                    problems.append((j, position_in_row, headers[attr], required_message))
            elif value.__class__ is _Bad and keep[j]:
                problems.append((j, position_in_row, headers[attr], str(value)))
        outputs.append(out)
    # A row of spaces only is blank too: it shows up as a row whose every required cell is empty.
    # So is a filler row whose text lies only outside the recognised columns (合计, 填表人…).
    suspects = {j for j, _p, _h, message in problems if message is required_message} - {j for j, _c in formula_at}
    for j in suspects:
        cells = data[j]
        if all(is_blank(cells[i]) for i in indexes):
            keep[j] = False
    attrs = [attr for _i, attr, _c in columns]
    for j, position_in_row, header, message in sorted(problems, key=lambda p: (p[0], p[1])):
        if keep[j]:
            analysis.error(info.name, start + j, header, message)
            if message is not required_message:
                bad_cells[offset + j].append(attrs[position_in_row])
    return keep, outputs


# ---------------------------------------------------------------------------------------------
# Households


class Places:
    """Townships, villages and sites by name or code, loaded once per import."""

    def __init__(self):
        self.townships = {}
        self.township_codes = {}
        for pk, code, name in Township.objects.values_list("pk", "code", "name"):
            self.townships[code] = self.townships[name] = pk
            self.township_codes[pk] = code
        self.villages = {(t, name): pk for pk, t, name in Village.objects.values_list("pk", "township_id", "name")}
        self.settlements = {}
        self.site_kinds = {}
        for pk, code, name, t, kind in Settlement.objects.values_list("pk", "code", "name", "township_id", "kind"):
            self.settlements[code.upper()] = self.settlements[name] = (pk, t)
            self.site_kinds[pk] = kind


def _check_households(
    rows: list[Row], analysis: Analysis, gate: Gate, report: SheetReport, member_rows: list[Row] | None = None
) -> dict[str, int | None]:
    """Validate household rows; return code -> existing pk (None for new) of the valid ones.

    ``member_rows``: the member sheet(s) of the same workbook, or None when it has none; the
    household sheet's 户主身份证号码 must agree with them, or creates the head member without them.
    """
    places = Places()
    seen: dict[str, int] = {}
    seen_heads: dict[str, int] = {}
    candidates: list[Row] = []
    extras: dict[int, dict] = {}  # id(row) -> what the row says that the household does not store
    for row in rows:
        v = row.values
        bad = (row.sheet, row.number) in analysis.invalid_rows
        extra = {a: v.pop(a) for a in HOUSEHOLD_UNSTORED if a in v}
        head_id = extra.get("head_id_number")
        if head_id:
            if head_id in seen_heads:
                analysis.error(
                    row.sheet,
                    row.number,
                    row.headers["head_id_number"],
                    _("The head's ID number repeats row %(r)s.") % {"r": seen_heads[head_id]},
                )
                bad = True
            else:
                seen_heads[head_id] = row.number
        if not bad and v.get("relocation_year") is None:
            if extra.get("moved_in") is not None:
                v["relocation_year"] = extra["moved_in"].year
            else:
                header = row.headers.get("relocation_year") or row.headers.get("moved_in") or "搬迁年度"
                analysis.error(row.sheet, row.number, header, _("Give 搬迁年度 or 搬迁入住时间."))
                bad = True
        code = v.get("code")
        if not code and not bad and not head_id:
            header = row.headers.get("code") or row.headers.get("head_id_number") or "户编号"
            analysis.error(row.sheet, row.number, header, _("Give 户编号 or 户主身份证号码."))
            bad = True
        if code:
            if code in seen:
                analysis.error(
                    row.sheet,
                    row.number,
                    row.headers["code"],
                    _("Household code repeats row %(r)s.") % {"r": seen[code]},
                )
                bad = True
            else:
                seen[code] = row.number
        if v.get("township") is not None:
            name = v["township"].replace(" ", "")
            township_id = places.townships.get(name)
            if township_id is None:
                analysis.error(
                    row.sheet, row.number, row.headers["township"], _("No township named “%(n)s”.") % {"n": name}
                )
                bad = True
            v["township"] = township_id
        settlement_id = None
        if v.get("settlement"):
            found = places.settlements.get(v["settlement"]) or places.settlements.get(v["settlement"].upper())
            if found is None:
                analysis.error(
                    row.sheet,
                    row.number,
                    row.headers["settlement"],
                    _("No settlement site named “%(n)s”.") % {"n": v["settlement"]},
                )
                bad = True
            elif v.get("township") and found[1] != v["township"]:
                analysis.error(
                    row.sheet,
                    row.number,
                    row.headers["settlement"],
                    _("The settlement site belongs to another township."),
                )
                bad = True
            else:
                settlement_id = found[0]
        if "settlement" in v:
            v["settlement"] = settlement_id
        if v.get("village"):
            village_id = places.villages.get((v.get("township"), v["village"]))
            if village_id is None:
                analysis.error(
                    row.sheet,
                    row.number,
                    row.headers["village"],
                    _("The township has no village or community named “%(n)s”.") % {"n": v["village"]},
                )
                bad = True
            v["village"] = village_id
        elif "village" in v:
            v["village"] = None
        if v.get("certificate_date") and v.get("certificate_issued") is False:
            analysis.error(
                row.sheet,
                row.number,
                row.headers.get("certificate_issued", ""),
                _("A certificate date is given, so the certificate has been issued: write 是."),
            )
            bad = True
        if not bad and not _split_resettlement(row, places, analysis):
            bad = True
        if not bad and v.get("township") and not gate.allows(v["township"], v.get("settlement")):
            analysis.error(
                row.sheet,
                row.number,
                row.headers["township"],
                _("This household is outside your area; you may only import households of your own township or site."),
            )
            bad = True
        if not bad:
            candidates.append(row)
            extras[id(row)] = extra
    heads = _heads_in_database({e["head_id_number"] for e in extras.values() if e.get("head_id_number")})
    keyless = [r for r in candidates if not r.values.get("code")]  # matched on the head's ID number
    _code_keyless(keyless, extras, heads, places, report, seen)
    for row in candidates:
        if extras[id(row)].get("head_id_number"):
            analysis.head_codes[extras[id(row)]["head_id_number"]] = row.values["code"]
    if member_rows is not None:
        _heads_agree(candidates, extras, member_rows, analysis)
        candidates = [r for r in candidates if (r.sheet, r.number) not in analysis.invalid_rows]
    head_codes = analysis.head_codes
    result = _diff(
        Household,
        candidates,
        analysis,
        report,
        "households",
        on_create=_resettlement_of_new,
        on_update=_resettlement_kind_follows,
        extra=("resettlement", "resettlement_kind"),
        key=lambda v: v["code"],
        fetch=lambda keys, attrs: Household.objects.filter(_key_in(Household, "code", keys)).values(
            "pk", "township_id", "settlement_id", *attrs
        ),
        key_of=lambda obj: obj["code"],
        gate=lambda obj: gate.allows(obj["township_id"], obj["settlement_id"]),
        # Say neither that the code exists nor where (issue 20, item 13).
        foreign_message=_("Household code %(key)s is not in your area or does not exist: this row cannot be imported."),
        key_header="code",
    )
    if member_rows is None:
        _head_members(candidates, extras, heads, result, analysis, report)
    _compare_summaries(candidates, extras, member_rows, result, report, head_codes)
    _compare_income(candidates, extras, result, report)
    return result


def _heads_in_database(ids: set[str]) -> dict[str, tuple]:
    """ID number -> (household code, household pk, relation) of members already registered."""
    found = {}
    for chunk in _chunks(sorted(ids), _key_batch()):
        found.update(
            (number, (code, pk, relation))
            for number, code, pk, relation in Member.objects.filter(_key_in(Member, "id_number", chunk)).values_list(
                "id_number", "household__code", "household_id", "relation"
            )
        )
    return found


def code_series(township_code: str) -> str:
    """The prefix of the codes the portal gives new households of a township: its division code."""
    return f"{township_code}-"


def _code_keyless(rows: list[Row], extras: dict, heads: dict, places: "Places", report: SheetReport, seen: dict):
    """Rows without 户编号: the household of the head's ID number, or a new code from the township's series.

    The series is ``<township division code>-<5 digits>``, numbered on from the highest code of
    the series in the database; the preview lists the codes given.
    """
    next_number: dict[int, int] = {}
    for row in rows:
        v = row.values
        found = heads.get(extras[id(row)]["head_id_number"])
        if found is not None:
            v["code"] = found[0]
            seen.setdefault(found[0], row.number)
            continue
        township = v["township"]
        prefix = code_series(places.township_codes[township])
        if township not in next_number:
            numbers = [
                int(c[len(prefix) :])
                for c in Household.objects.filter(code__startswith=prefix).values_list("code", flat=True)
                if c[len(prefix) :].isdigit()
            ]
            next_number[township] = max(numbers, default=0) + 1
        code = f"{prefix}{next_number[township]:05d}"
        next_number[township] += 1
        while code in seen:  # a code the workbook itself uses
            code = f"{prefix}{next_number[township]:05d}"
            next_number[township] += 1
        v["code"] = code
        seen[code] = row.number
        report.new_codes.append({"row": row.number, "head": v.get("head_name", ""), "code": code})


def _heads_agree(rows: list[Row], extras: dict, member_rows: list[Row], analysis: Analysis) -> None:
    """The household sheet's 户主身份证号码 must be the member sheet's 户主 of the same household."""
    heads: dict[str, Row] = {}
    for m in member_rows:
        code = _member_code(m, analysis.head_codes)
        if m.values.get("relation") == Member.Relation.HEAD and code:
            heads.setdefault(code, m)
    for row in rows:
        head_id = extras[id(row)].get("head_id_number")
        member = heads.get(row.values["code"])
        if head_id and member is not None and member.values.get("id_number") != head_id:
            analysis.error(
                row.sheet,
                row.number,
                row.headers["head_id_number"],
                _(
                    "The head's ID number %(here)s differs from the head in sheet “%(sheet)s”, row %(r)s "
                    "(%(name)s, %(there)s)."
                )
                % {
                    "here": head_id,
                    "sheet": member.sheet,
                    "r": member.number,
                    "name": member.values.get("name", ""),
                    "there": member.values.get("id_number", ""),
                },
            )


def _member_code(member: Row, head_codes: dict[str, str]) -> str | None:
    """The household code of a member row of this workbook, by 户编号 or by its head's ID number."""
    return member.values.get("household") or head_codes.get(member.values.get("household_head"))


def _head_members(rows: list[Row], extras: dict, heads: dict, result: dict, analysis: Analysis, report) -> None:
    """No member sheet: the head's ID number matches the head member, or creates it."""
    for row in rows:
        head_id = extras[id(row)].get("head_id_number")
        code = row.values["code"]
        if not head_id or code not in result:
            continue
        found = heads.get(head_id)
        if found is not None:
            if found[0] != code:
                analysis.error(
                    row.sheet,
                    row.number,
                    row.headers["head_id_number"],
                    _("ID number %(n)s is registered in another household (%(code)s).")
                    % {"n": head_id, "code": found[0]},
                )
            continue
        pk = result[code]
        analysis.creates["members"].append(
            {
                "household_id": ("pending", code) if pk is None else pk,
                "name": row.values.get("head_name") or "",
                "id_number": head_id,
                "relation": Member.Relation.HEAD,
            }
        )
        report.heads_new += 1


def _compare_summaries(rows: list[Row], extras: dict, member_rows, result: dict, report, head_codes: dict) -> None:
    """家庭人口 / 劳动力人数 / 务工人数 are not stored: each is compared with the members (the workbook's
    member sheet, else the database) and a difference is a warning with both values."""
    wanted = [r for r in rows if any(extras[id(r)].get(a) is not None for a in ("persons", "labourers", "workers"))]
    if not wanted:
        return
    # The members each household will have: those in the database, updated or joined by the
    # workbook's member sheet (the sheet's values win; an ID number that moves leaves its old household).
    wanted_codes = {r.values["code"] for r in wanted}
    people: dict[str, dict[str, tuple]] = defaultdict(dict)
    pks = {result[c]: c for c in wanted_codes if result.get(c)}
    for chunk in _chunks(sorted(pks), _key_batch()):
        for household_id, number, labour, work in Member.objects.filter(household_id__in=chunk).values_list(
            "household_id", "id_number", "labour_capacity", "employment"
        ):
            people[pks[household_id]][number] = (labour, work)
    moved = {}
    for m in member_rows or ():
        code, number = _member_code(m, head_codes), m.values.get("id_number")
        if isinstance(code, str) and number:
            moved[number] = code
            people[code][number] = (m.values.get("labour_capacity"), m.values.get("employment"))
    employed = set(Member.EMPLOYED)
    counts = {}
    for code in wanted_codes:
        members = [v for number, v in people[code].items() if moved.get(number, code) == code]
        counts[code] = [
            len(members),
            sum(labour not in (None, Member.Labour.NONE) for labour, _w in members),
            sum(work in employed for _l, work in members),
        ]
    messages = {
        "persons": _("%(header)s says %(given)s; the household has %(n)s members."),
        "labourers": _("%(header)s says %(given)s; %(n)s members have labour capacity."),
        "workers": _("%(header)s says %(given)s; %(n)s members are in work."),
    }
    for row in wanted:
        code = row.values["code"]
        actual = counts[code]
        if member_rows is None and result.get(code) is None and extras[id(row)].get("head_id_number"):
            actual = [1, 0, 0]  # a new household: its head, created from the household sheet
        for position, attr in enumerate(("persons", "labourers", "workers")):
            given = extras[id(row)].get(attr)
            if given is not None and given != actual[position]:
                header = row.headers[attr]
                message = messages[attr] % {"header": header, "given": given, "n": actual[position]}
                report.warn(row.number, header, message)


INCOME_TOLERANCE = Decimal(1)  # yuan: rosters round 人均纯收入 to the yuan


def _compare_income(rows: list[Row], extras: dict, result: dict, report) -> None:
    """人均纯收入 is not stored: it is compared with the net income per person the portal has for an
    existing household (its annual accounting, else its ledgers annualised: dashboards' figures) and
    a difference of more than a yuan, or no income recorded to compare with, is a warning."""
    from dashboards.models import HouseholdFigures

    wanted = [r for r in rows if extras[id(r)].get("per_capita_income") is not None and result.get(r.values["code"])]
    if not wanted:
        return
    pks = sorted({result[r.values["code"]] for r in wanted})
    known = {}
    for chunk in _chunks(pks, _key_batch()):
        known.update(
            HouseholdFigures.objects.filter(household_id__in=chunk).values_list("household_id", "per_capita_income")
        )
    for row in wanted:
        given = extras[id(row)]["per_capita_income"]
        header = row.headers["per_capita_income"]
        actual = known.get(result[row.values["code"]])
        if actual is None:
            message = _("%(header)s says %(given)s; the portal has no ledger or annual accounting to compare with.")
            report.warn(row.number, header, message % {"header": header, "given": given})
        elif abs(Decimal(str(round(actual, 2))) - given) > INCOME_TOLERANCE:
            message = _("%(header)s says %(given)s; the ledgers and annual accounting give %(n)s yuan.")
            report.warn(row.number, header, message % {"header": header, "given": given, "n": f"{actual:.2f}"})


def _split_resettlement(row: Row, places: "Places", analysis: Analysis) -> bool:
    """安置方式 may name a sub-kind (插花安置): store its form and the sub-kind. False: a conflict.

    A blank 安置方式 keeps what the household has (a new one gets it from its site, see
    :func:`_resettlement_of_new`)."""
    v = row.values
    given = v.pop("resettlement", None)
    kind = v.get("resettlement_kind") or ""
    if given in RESETTLEMENT_OF:
        if kind and kind != given:
            analysis.error(
                row.sheet,
                row.number,
                row.headers["resettlement_kind"],
                _("The sub-kind disagrees with 安置方式 (%(given)s).")
                % {"given": Household.ResettlementKind(given).label},
            )
            return False
        kind = v["resettlement_kind"] = given
        given = RESETTLEMENT_OF[given]
    if kind and given and RESETTLEMENT_OF[kind] != given:
        analysis.error(
            row.sheet,
            row.number,
            row.headers["resettlement_kind"],
            _("This sub-kind belongs to %(form)s.") % {"form": Household.Resettlement(RESETTLEMENT_OF[kind]).label},
        )
        return False
    if kind and not given:
        given = RESETTLEMENT_OF[kind]
    if given:
        v["resettlement"] = given
    elif v.get("settlement"):
        v["_site_kind"] = places.site_kinds.get(v["settlement"])
    return True


def _resettlement_of_new(values: dict) -> None:
    """A new household without 安置方式: 集中安置 on a site (other than a 分散安置 one), else 分散安置."""
    site_kind = values.pop("_site_kind", None)
    if "resettlement" not in values:
        on_site = values.get("settlement_id") is not None and site_kind != Settlement.Kind.DISPERSED
        values["resettlement"] = Household.Resettlement.CENTRALISED if on_site else Household.Resettlement.DISPERSED


def _resettlement_kind_follows(obj: dict, values: dict, changes: dict) -> None:
    """A household whose 安置方式 changes loses a sub-kind of the other form."""
    values.pop("_site_kind", None)
    changes.pop("_site_kind", None)
    form = changes.get("resettlement")
    old_kind = obj["resettlement_kind"]
    if form and "resettlement_kind" not in values and old_kind and RESETTLEMENT_OF[old_kind] != form:
        changes["resettlement_kind"] = values["resettlement_kind"] = ""


def _shown(model, attr: str, value) -> str:
    """A value as the preview shows it: choices by name, places by name, ID numbers and phones masked."""
    from relocation.idnumbers import mask_id_number, mask_phone

    if value is None or value == "":
        return "—"
    try:
        f = model._meta.get_field(attr)
    except FieldDoesNotExist:  # a computed attribute: shown as it is
        f = None
    if "id_number" in attr:
        return mask_id_number(str(value))
    if "phone" in attr:
        return mask_phone(str(value))
    if isinstance(value, tuple):  # a household this import creates: ("pending", its code)
        return str(value[-1])
    if f is not None and f.is_relation and f.related_model is not None:
        try:
            found = f.related_model._default_manager.filter(pk=value).first()
        except (TypeError, ValueError):
            found = None
        return str(found) if found is not None else str(value)
    if f is not None and f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _sample(model, report, row, action: str, changes: list) -> None:
    """Keep one of the first rows to be created or changed for the preview."""
    if sum(1 for x in report.samples if x["action"] == action) >= MAX_SAMPLES:
        return
    fields = []
    for attr, old, new in changes:
        if attr == "_site_kind" or attr not in row.headers:
            continue
        fields.append([str(row.headers[attr]), _shown(model, attr, old) if action == "changed" else "",
                       _shown(model, attr, new)])  # fmt: skip
    report.samples.append({"row": row.number, "action": action, "fields": fields})


def _diff(
    model,
    rows,
    analysis,
    report,
    kind,
    *,
    key,
    fetch,
    key_of,
    gate,
    foreign_message,
    key_header,
    on_create=None,
    on_update=None,
    extra=(),
):
    """Sort valid rows into new, updated and unchanged against the database, in large chunks of keys.

    ``fetch(keys, fields)`` returns value dicts, not model instances: building 400,000 instances
    to compare a dozen fields cost more than the comparison.
    """
    result = {}
    by_key = {key(r.values): r for r in rows}
    keys = list(by_key)
    fk = {f.name for f in model._meta.concrete_fields if f.is_relation}
    attrs = sorted({a for r in rows for a in r.values} - {"_site_kind"})
    names = {a: (f"{a}_id" if a in fk else a) for a in attrs}
    names["_site_kind"] = "_site_kind"
    empties = {names[a]: _empty(model, a) for a in attrs}
    fetched = sorted(set(attrs) | set(extra))
    # The preview shows the first few rows of each action: count them here, not per row in _sample.
    sampled = {a: sum(1 for x in report.samples if x["action"] == a) for a in ("new", "changed")}
    for chunk in _chunks(keys, _key_batch()):
        existing = {key_of(obj): obj for obj in fetch(chunk, fetched)}
        for k in chunk:
            row = by_key[k]
            values = {names[a]: (empties[names[a]] if val is None else val) for a, val in row.values.items()}
            obj = existing.get(k)
            if obj is None:
                if on_create is not None:
                    on_create(values)
                analysis.creates[kind].append(values)
                report.new += 1
                if sampled["new"] < MAX_SAMPLES:
                    sampled["new"] += 1
                    _sample(model, report, row, "new", [(a, None, v) for a, v in row.values.items() if v is not None])
                result[k] = None
                continue
            if not gate(obj):
                analysis.error(row.sheet, row.number, row.headers[key_header], foreign_message % {"key": k})
                continue
            changes = {}
            for a in row.values:
                name = names[a]
                if name == "_site_kind":
                    continue
                old = obj[a]
                new = values[name]
                if old != new and not _same(old, new):
                    changes[name] = new
            if on_update is not None:
                on_update(obj, values, changes)
            if changes:
                analysis.updates[kind].append((obj["pk"], changes, values))
                report.updated += 1
                if sampled["changed"] < MAX_SAMPLES:
                    sampled["changed"] += 1
                    attr_of = {names[a]: a for a in row.values}
                    shown = [(attr_of.get(n, n), obj.get(attr_of.get(n, n)), v) for n, v in changes.items()]
                    _sample(model, report, row, "changed", shown)
            else:
                report.unchanged += 1
            result[k] = obj["pk"]
    return result


def _key_in(model, field: str, keys: list) -> Q:
    """``field IN keys`` as one array parameter on PostgreSQL: Django's IN list prepares each of
    20,000 parameters one by one, which cost more than the query."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": keys})
    column = f'"{model._meta.db_table}"."{model._meta.get_field(field).column}"'
    # The column comes from _meta; the keys travel as one parameter.
    return Q(RawSQL(f"{column} = ANY(%s)", (list(keys),), output_field=models.BooleanField()))  # noqa: S611


def _key_batch() -> int:
    """Keys per lookup query: PostgreSQL takes large IN lists well; SQLite caps its parameters."""
    return 20_000 if connection.vendor == "postgresql" else BATCH


# ---------------------------------------------------------------------------------------------
# Members


def _household_by_head(rows: list[Row], analysis: Analysis) -> None:
    """A member row without 户编号 names its household by its head's ID number: the household of
    this workbook's household sheet with that head, else the household of that member in the database."""
    unknown = set()
    for row in rows:
        head = row.values.pop("household_head", None)
        if not row.values.get("household") and head:
            code = analysis.head_codes.get(head)
            if code:
                row.values["household"] = code
            else:
                unknown.add(head)
                row.values["_head"] = head
    found = _heads_in_database(unknown) if unknown else {}
    for row in rows:
        head = row.values.pop("_head", None)
        if row.values.get("household") or (row.sheet, row.number) in analysis.invalid_rows:
            continue
        if head in found:
            row.values["household"] = found[head][0]
        elif head:
            message = _("No household whose head has ID number %(n)s in this workbook or in your area.") % {"n": head}
            analysis.error(row.sheet, row.number, row.headers["household_head"], message)
        else:
            header = row.headers.get("household") or row.headers.get("household_head") or "户编号"
            analysis.error(row.sheet, row.number, header, _("Give 户编号 or 户主身份证号码."))


def _check_members(rows, analysis, gate, report, pending_codes: dict[str, int | None]):
    """Validate member rows against their households (in the database or in this workbook)."""
    _household_by_head(rows, analysis)
    codes = sorted({r.values["household"] for r in rows if r.values.get("household")} - set(pending_codes))
    households = {}
    for chunk in _chunks(codes, _key_batch()):
        for pk, code, t, s in Household.objects.filter(_key_in(Household, "code", chunk)).values_list(
            "pk", "code", "township_id", "settlement_id"
        ):
            households[code] = (pk, gate.allows(t, s))
    seen: dict[str, int] = {}
    candidates = []
    for row in rows:
        v = row.values
        bad = (row.sheet, row.number) in analysis.invalid_rows
        number = v.get("id_number")
        if number:
            if number in seen:
                analysis.error(
                    row.sheet,
                    row.number,
                    row.headers["id_number"],
                    _("ID number repeats row %(r)s.") % {"r": seen[number]},
                )
                bad = True
            else:
                seen[number] = row.number
        code = v.get("household")
        if code and code in pending_codes:
            v["household"] = ("pending", code)
        elif code:
            found = households.get(code)
            if found is None or not found[1]:
                # The same words whether the household does not exist or lies outside the user's area.
                analysis.error(
                    row.sheet,
                    row.number,
                    row.headers["household"],
                    _("No household with code %(code)s in your area.") % {"code": code},
                )
                bad = True
            else:
                v["household"] = found[0]
        if v.get("health") and v["health"] != Member.Health.DISABLED and v.get("disability_grade"):
            analysis.error(
                row.sheet,
                row.number,
                row.headers.get("health", ""),
                _("A member with a disability grade has the health status “disabled”."),
            )
            bad = True
        if v.get("health") == Member.Health.DISABLED and "disability_grade" in v and not v.get("disability_grade"):
            analysis.error(
                row.sheet,
                row.number,
                row.headers["disability_grade"],
                _("Give the disability grade (1 to 4) of a disabled member."),
            )
            bad = True
        if not bad:
            candidates.append(row)

    def member_gate(obj):
        return gate.allows(obj["household__township_id"], obj["household__settlement_id"])

    # A member of a new household is new: the household code says so, whatever the database holds.
    return _diff(
        Member,
        candidates,
        analysis,
        report,
        "members",
        key=lambda v: v["id_number"],
        fetch=lambda keys, attrs: Member.objects.filter(_key_in(Member, "id_number", keys)).values(
            "pk", "household__township_id", "household__settlement_id", *attrs
        ),
        key_of=lambda obj: obj["id_number"],
        gate=member_gate,
        foreign_message=_("ID number %(key)s is not in your area or does not exist: this row cannot be imported."),
        key_header="id_number",
    )


# ---------------------------------------------------------------------------------------------
# Ledgers


LEDGER_INCOME_FIELDS = ("wage_income", "business_income", "property_income", "transfer_income")


def _check_ledgers(rows, analysis, gate, report):
    from monitoring.models import LedgerEntry

    codes = sorted({r.values["household"] for r in rows if r.values.get("household")})
    households = {}
    for chunk in _chunks(codes, _key_batch()):
        for pk, code, t, s in Household.objects.filter(_key_in(Household, "code", chunk)).values_list(
            "pk", "code", "township_id", "settlement_id"
        ):
            households[code] = (pk, gate.allows(t, s))
    seen: dict[tuple, int] = {}
    candidates = []
    for row in rows:
        v = row.values
        bad = (row.sheet, row.number) in analysis.invalid_rows
        code = v.get("household")
        if code:
            found = households.get(code)
            if found is None or not found[1]:
                analysis.error(
                    row.sheet,
                    row.number,
                    row.headers["household"],
                    _("No household with code %(code)s in your area.") % {"code": code},
                )
                bad = True
            else:
                v["household"] = found[0]
        if not bad:
            k = (v["household"], v["period"])
            if k in seen:
                analysis.error(
                    row.sheet,
                    row.number,
                    row.headers["period"],
                    _("This household's month repeats row %(r)s.") % {"r": seen[k]},
                )
                continue
            if v["period"] > timezone.localdate():
                analysis.error(row.sheet, row.number, row.headers["period"], _("The month lies in the future."))
                continue
            if (v.get("production_cost") or 0) > sum(v.get(f) or 0 for f in LEDGER_INCOME_FIELDS):
                message = _("Production and business costs cannot be larger than the income of all kinds.")
                analysis.error(row.sheet, row.number, row.headers["production_cost"], message)
                continue
            seen[k] = row.number
            candidates.append(row)
    by_household = defaultdict(list)
    for row in candidates:
        by_household[row.values["household"]].append(row.values["period"])

    def fetch(keys, attrs):
        ids = {h for h, _p in keys}
        periods = {p for _h, p in keys}
        return LedgerEntry.objects.filter(household_id__in=ids, period__in=periods).values("pk", *attrs)

    return _diff(
        LedgerEntry,
        candidates,
        analysis,
        report,
        "ledgers",
        key=lambda v: (v["household"], v["period"]),
        fetch=fetch,
        key_of=lambda obj: (obj["household"], obj["period"]),
        gate=lambda obj: True,  # the household was checked above
        foreign_message="",
        key_header="household",
    )


# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _no_cyclic_gc():
    """Pause Python's cycle collector while millions of rows are built.

    The rows hold no reference cycles (reference counting frees them), but every few thousand new
    lists and dicts the collector walks all live objects again: at 500,000 rows that was half the
    preview's time. Measured: 119 s with the collector, 59 s without, the same peak memory.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Parsed:
    """A workbook read and every cell parsed, before any look at the database.

    ``analysis`` holds the sheets and the cell errors found so far; ``by_kind`` the rows of each
    sheet kind, with the sheet's report. :func:`check` then validates them against the database.
    """

    analysis: Analysis
    by_kind: dict[str, list[tuple[SheetReport, list[Row]]]]
    # (kind, index of the sheet's report, its cells): what exchange.parsed stores.
    columns: list[tuple[str, int, Columns]] = field(default_factory=list)


def analyse(
    path, *, kind: str, user, progress: Progress | None = None, keep: Callable | None = None, mappings=None
) -> Analysis:
    """Read and validate a workbook for ``user``; writes nothing. Raises reader.BadFile for a bad file.

    ``keep(parsed)`` is called with the parsed rows before the database checks (which change the
    rows' values in place): the preview stores them so that the commit need not read the file again.
    """
    with _no_cyclic_gc():
        parsed = read(path, kind=kind, progress=progress, mappings=mappings)
        if keep is not None:
            keep(parsed)
        return check(parsed, user=user, progress=progress)


def read(path, *, kind: str, progress: Progress | None = None, mappings=None) -> Parsed:
    """Every sheet of the workbook that this kind of import takes, parsed; no database access.

    ``mappings``: (sheet kind, headers_key) -> {header: field}, the columns a township mapped.

    The reading runs in a memory-capped child process (exchange.sandbox): a crafted workbook
    that makes the reader allocate gigabytes is refused there, never in a web or Celery worker.
    """
    from . import sandbox

    if progress:
        progress("read", 0, 1)
    chunks: dict[int, list[list]] = {}

    def received(chunk):
        """A chunk of a sheet's converted columns from the child, appended to that sheet's."""
        number, outputs = chunk
        if number not in chunks:
            chunks[number] = [[] for _o in outputs]
        for whole, part in zip(chunks[number], outputs, strict=True):
            whole += part

    with _no_cyclic_gc():
        try:
            state = sandbox.capped(_read_for_parent, str(path), kind, mappings, on_chunk=received)
        except reader.BadFile:
            run = sandbox.last()
            if run is None or run.outcome not in ("memory", "died") or not sandbox.enabled():
                raise
            # python-calamine needed more than reader.streams() estimated: once more, every .xlsx
            # sheet streamed (constant memory); a file that still does not fit is refused.
            chunks.clear()
            with reader.streaming():
                state = sandbox.capped(_read_for_parent, str(path), kind, mappings, on_chunk=received)
        parsed = _from_child(state, chunks)
    if progress:
        progress("read", 1, 1)
    return parsed


def _read_for_parent(path: str, kind: str, mappings=None) -> tuple:
    """In the child: the analysis and what each sheet holds besides its cells; the cells go to the
    parent chunk by chunk as they are converted (exchange.sandbox.emit), as a few long lists per
    chunk (which pickle many times faster than rows)."""
    from . import sandbox

    with _no_cyclic_gc():
        parsed = _read(path, kind=kind, mappings=mappings, sink=sandbox.emit)
    return parsed.analysis, parsed.columns


def _from_child(state: tuple, chunks: dict) -> Parsed:
    analysis, sheets = state
    by_kind: dict[str, list] = defaultdict(list)
    columns = []
    for number, (kind, index, meta) in enumerate(sheets):
        outputs = chunks.pop(number, None) or [[] for _a in meta.attrs]
        sheet_columns = Columns(meta.sheet, meta.first, meta.headers, meta.attrs, meta.keep, outputs)
        columns.append((kind, index, sheet_columns))
        by_kind[kind].append((analysis.sheets[index], _rows_of(sheet_columns, meta.bad_cells, meta.rebuild)))
    return Parsed(analysis, by_kind, columns)


def _read(path, *, kind: str, progress: Progress | None = None, mappings=None, sink=None) -> Parsed:
    """With ``sink``, ``Parsed.columns`` holds each sheet's _SheetRead and ``by_kind`` nothing: the
    cells went to ``sink((number of the sheet among those read, outputs))``."""
    sheets = reader.inspect(path)
    all_specs = _specs()
    specs = [all_specs[k] for k in ACCEPTS[kind]]
    analysis = Analysis()
    by_kind: dict[str, list[tuple[SheetReport, list[Row]]]] = defaultdict(list)
    columns: list[tuple[str, int, Columns]] = []
    for info in sheets:
        number = len(columns)
        sheet_sink = (lambda outputs, number=number: sink((number, outputs))) if sink else None
        spec, rows, cols = _read_sheet(path, info, specs, analysis, progress, mappings, sheet_sink)
        if spec is not None:
            if sink is None:
                by_kind[spec.kind].append((analysis.sheets[-1], rows))
                columns.append((spec.kind, len(analysis.sheets) - 1, cols))
            else:
                by_kind[spec.kind].append((analysis.sheets[-1], []))
                columns.append((spec.kind, len(analysis.sheets) - 1, rows))
    if not any(by_kind.values()):
        names = "、".join(str(s.title) for s in specs)
        raise reader.BadFile(
            _("No sheet of this workbook has the header row of %(kinds)s. Start from the template.") % {"kinds": names}
        )
    return Parsed(analysis, by_kind, columns)


def check(parsed: Parsed, *, user, progress: Progress | None = None) -> Analysis:
    """Validate parsed rows against the database and the user's scope; sort them into new / updated."""
    with _no_cyclic_gc():
        return _check(parsed, user=user, progress=progress)


def _check(parsed: Parsed, *, user, progress: Progress | None = None) -> Analysis:
    analysis, by_kind = parsed.analysis, parsed.by_kind
    gate = Gate(user)
    pending: dict[str, int | None] = {}
    member_rows = [r for _report, rows in by_kind.get("members", ()) for r in rows] if "members" in by_kind else None
    for report, rows in by_kind.get("households", ()):
        pending.update(_check_households(rows, analysis, gate, report, member_rows))
    if progress:
        progress("check", 1, 3)
    for report, rows in by_kind.get("members", ()):
        new_households = {code for code, pk in pending.items() if pk is None}
        _check_members(rows, analysis, gate, report, dict.fromkeys(new_households))
    for report, rows in by_kind.get("ledgers", ()):
        _check_ledgers(rows, analysis, gate, report)
    for report, rows in by_kind.get("incomes", ()):
        from monitoring import income_import

        income_import.check(rows, analysis, gate, report)
    for report, rows in by_kind.get("cadres", ()):
        from cadres.resources import check_rows

        check_rows(rows, analysis, gate, report)
    from . import records

    for name, record_kind in records.kinds().items():
        for report, rows in by_kind.get(name, ()):
            records.check(record_kind, rows, analysis, gate, report)
    for report in analysis.sheets:
        report.invalid = sum(1 for sheet, _r in analysis.invalid_rows if sheet == report.name)
    if progress:
        progress("check", 3, 3)
    return analysis


def apply(analysis: Analysis, *, actor, reason: str, progress: Progress | None = None) -> dict:
    """Write an analysis with no invalid row; the caller holds the transaction. Returns counts written."""
    with _no_cyclic_gc():
        return _apply(analysis, actor=actor, reason=reason, progress=progress)


def _apply(analysis: Analysis, *, actor, reason: str, progress: Progress | None = None) -> dict:
    if analysis.error_count:
        raise ValueError("an analysis with invalid rows cannot be applied")
    now = timezone.now()
    writer = Writer(actor=actor, reason=reason[:100], now=now)
    written = defaultdict(int)
    total = sum(len(v) for v in analysis.creates.values()) + sum(len(v) for v in analysis.updates.values())
    done = 0

    step = "write:household"

    def tick(n):
        nonlocal done
        done += n
        if progress:
            progress(step, done, total)

    def starting(model) -> None:
        """Name the model being written before its (long, silent) COPY and INSERT begin."""
        nonlocal step
        step = f"write:{model._meta.model_name}"
        tick(0)

    before = _figures_before(analysis)
    households = (analysis.creates.get("households", []), analysis.updates.get("households", []))
    if any(households):
        starting(Household)
    written["households"] = _write(Household, *households, writer=writer, tick=tick)

    members, member_updates = analysis.creates.get("members", []), analysis.updates.get("members", [])
    pending = {v["household_id"][1] for v in members if isinstance(v["household_id"], tuple)}
    pending |= {c["household_id"][1] for _pk, c, _v in member_updates if isinstance(c.get("household_id"), tuple)}
    ids = _household_ids(pending)

    def resolve(values: dict) -> dict:
        if isinstance(values.get("household_id"), tuple):
            return {**values, "household_id": ids[values["household_id"][1]]}
        return values

    members = [resolve(v) for v in members]
    member_updates = [(pk, resolve(c), resolve(v)) for pk, c, v in member_updates]
    if members or member_updates:
        starting(Member)
    written["members"] = _write(Member, members, member_updates, writer=writer, tick=tick)

    if analysis.creates.get("ledgers") or analysis.updates.get("ledgers"):
        from monitoring.models import LedgerEntry, month_index

        fixed = {"source": LedgerEntry.Source.IMPORT, "recorded_by_id": actor.pk}
        creates = [{**v, **fixed, "month_index": month_index(v["period"])} for v in analysis.creates.get("ledgers", [])]
        starting(LedgerEntry)
        written["ledgers"] = _write(LedgerEntry, creates, analysis.updates.get("ledgers", []), writer=writer, tick=tick)
    if analysis.creates.get("incomes") or analysis.updates.get("incomes"):
        from monitoring import income_import

        written["incomes"] = income_import.write(analysis, actor=actor, writer=writer, tick=tick)
    if analysis.creates.get("cadres") or analysis.updates.get("cadres"):
        from cadres.resources import apply_rows

        written["cadres"] = apply_rows(analysis, actor=actor, reason=writer.reason)
    from . import records

    for name, record_kind in records.kinds().items():
        if analysis.creates.get(name) or analysis.updates.get(name):
            written[name] = records.write(record_kind, analysis, actor=actor, reason=writer.reason)
    _refresh_figures(analysis, members, member_updates, before, progress=progress)
    return {k: v for k, v in written.items() if v}


@dataclass
class _FiguresBefore:
    """What an import changes that the rows it writes no longer show: read before writing."""

    places: set  # (township, settlement) of households that move
    households: set  # the households members move away from


def _ids_of(model, pks: list[int], *fields) -> set:
    found = set()
    for chunk in _chunks(pks, _key_batch()):
        found |= set(model.objects.filter(pk__in=chunk).order_by().values_list(*fields))
    return found


def _figures_before(analysis: Analysis) -> _FiguresBefore:
    place = {"township_id", "settlement_id"}
    moving = [pk for pk, changes, _v in analysis.updates.get("households", []) if place & changes.keys()]
    leaving = [pk for pk, changes, _v in analysis.updates.get("members", []) if "household_id" in changes]
    return _FiguresBefore(
        places=_ids_of(Household, moving, "township_id", "settlement_id"),
        households={h for (h,) in _ids_of(Member, leaving, "household_id")},
    )


def _refresh_figures(
    analysis: Analysis, members: list, member_updates: list, before: _FiguresBefore, *, progress: Progress | None = None
) -> None:
    """Rewrite the dashboards' figures of every household the import touched, in its transaction
    (COPY sends no model signals; see dashboards.summary)."""
    from dashboards import summary

    touched = set(before.households)
    touched |= {pk for pk, _c, _v in analysis.updates.get("households", [])}
    created = {v["code"] for v in analysis.creates.get("households", [])}
    touched |= set(_household_ids(created).values())
    touched |= {v["household_id"] for v in members} | {v["household_id"] for _pk, _c, v in member_updates}
    ledger_rows = [*analysis.creates.get("ledgers", []), *(v for _pk, _c, v in analysis.updates.get("ledgers", []))]
    ledgers = {v["household_id"] for v in ledger_rows}
    touched |= ledgers
    if analysis.creates.get("incomes") or analysis.updates.get("incomes"):
        from monitoring import income_import

        touched |= income_import.households(analysis)
    summary.refresh_households(
        touched, progress=(lambda done, total: progress("figures", done, total)) if progress else None
    )
    # The months the ledgers cover, in the places of their households.
    summary.refresh_places(summary.places_of(ledgers), {v["period"] for v in ledger_rows})
    # Households that moved: every month, in the places they left and joined.
    place = {"township_id", "settlement_id"}
    moved = {pk for pk, changes, _v in analysis.updates.get("households", []) if place & changes.keys()}
    summary.refresh_places(before.places | summary.places_of(moved))


def _household_ids(codes: set[str]) -> dict[str, int]:
    """code -> pk of households just written, in as few queries as the database allows."""
    ids = {}
    for chunk in _chunks(sorted(codes), _key_batch()):
        ids.update(Household.objects.filter(_key_in(Household, "code", chunk)).values_list("code", "pk"))
    return ids


@dataclass
class Writer:
    actor: object
    reason: str
    now: datetime.datetime


def _write(model, creates: list[dict], updates: list[tuple], *, writer: Writer, tick) -> int:
    """Create and update rows of one model with their history rows; COPY on PostgreSQL, the ORM elsewhere."""
    if not creates and not updates:
        return 0
    if connection.vendor == "postgresql":
        from . import bulk

        bulk.copy_write(model, creates, updates, actor_id=writer.actor.pk, reason=writer.reason, now=writer.now)
        tick(len(creates) + len(updates))
    else:
        _orm_write(model, creates, updates, writer=writer, tick=tick)
    return len(creates) + len(updates)


def _orm_write(model, creates, updates, *, writer: Writer, tick) -> None:
    """The portable path (SQLite): bulk_create/bulk_update_with_history in batches."""
    history = {"default_user": writer.actor, "default_change_reason": writer.reason}
    for values_list in _chunks(creates):
        objs = [model(**v) for v in values_list]
        if model is Member:
            for obj in objs:
                obj.derive_from_id_number()  # bulk_create skips save(), where this normally happens
        bulk_create_with_history(objs, model, batch_size=BATCH, **history)
        tick(len(objs))
    for chunk in _chunks(updates):
        objs = model.objects.in_bulk([pk for pk, _c, _v in chunk])
        fields = {"updated_at"}
        changed = []
        for pk, changes, _values in chunk:
            obj = objs[pk]
            for attr, val in changes.items():
                setattr(obj, attr, val)
                fields.add(attr.removesuffix("_id") if attr.endswith("_id") and attr != "id_number" else attr)
            if isinstance(obj, Member) and "id_number" in changes:
                obj.derive_from_id_number()
                fields |= {"birth_date", "sex"}
            obj.updated_at = writer.now
            changed.append(obj)
        bulk_update_with_history(changed, model, sorted(fields), batch_size=BATCH, **history)
        tick(len(changed))
