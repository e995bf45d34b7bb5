"""Reading uploaded workbooks safely and fast.

A workbook is checked before any parser sees it (size, format, password, zip bomb, sheets that
declare far more rows or columns than a roster has), then read with python-calamine, which parses
a 100,000-row sheet about nine times faster than openpyxl. Every refusal is a :class:`BadFile`
with a message a township clerk can act on; it comes in well under a second because the checks
read only the zip directory and stream the sheet XML once, without building it in memory.
"""

import contextlib
import datetime
import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree
from django.conf import settings
from django.utils.translation import gettext as _

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
ROW_NUMBER = re.compile(rb'\br="(\d+)"')
HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
# A cell reference with a column of three letters (beyond column ZZ, the 702nd): no roster has one.
WIDE_CELL = re.compile(rb'r="[A-Z]{3}[0-9]')
# A formula (<f>) in a cell; its cached value, if any, is a <v> in the same <c>…</c>.
CACHED_VALUE = re.compile(rb"<(?:\w+:)?v(?: [^>]*[^/])?>[^<]")  # <v>12</v>, not <v/> nor <v></v>
CELL_START = re.compile(rb"<(?:\w+:)?c[ >]")
CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
CHUNK = 1 << 20
# Damage a zip library reports while unpacking: bad CRC, truncated or forged sizes, bad deflate data.
log = logging.getLogger(__name__)
DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError)


class BadFile(Exception):
    """The upload is not a workbook the portal can read; the message says why, in the user's language."""


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_bytes() -> int:
    return limit("EXCHANGE_MAX_UPLOAD_BYTES", 60 * 1024 * 1024)


def max_rows() -> int:
    return limit("EXCHANGE_MAX_ROWS", 600_000)


def max_unpacked_bytes() -> int:
    return limit("EXCHANGE_MAX_UNPACKED_BYTES", 800 * 1024 * 1024)


def max_cells() -> int:
    """The most cells a sheet's rectangle (last row × last column) may span: what the reader builds."""
    return limit("EXCHANGE_MAX_CELLS", 8_000_000)


# A sheet's rectangle may be at most this many times the cells it really holds (plus a floor):
# the reader's work then follows the cells present, not a far-away cell's declared extent.
SPARSE_FACTOR = 10
SPARSE_FLOOR = 200_000


def damaged() -> BadFile:
    return BadFile(_("The file is damaged: open it in Excel or WPS, save it as a new workbook and upload the copy."))


# A real sheet's XML packs 5 to 30 times; a zip bomb packs thousands of times.
MAX_RATIO = 150


@dataclass
class SheetInfo:
    name: str
    path: str  # inside the zip
    visible: bool = True
    last_row: int = 0
    last_column: int = 0  # 1 for A
    cells: int = 0  # <c> elements present
    hidden_rows: set[int] = field(default_factory=set)
    # (row, column from 0) of formula cells saved without a computed value: they read as blank.
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    unpacked: int = 0  # bytes of the sheet's XML once unpacked (what the streaming decision weighs)
    shared_strings: int = 0  # bytes of the workbook's shared strings once unpacked


def inspect(path: str | Path) -> list[SheetInfo]:
    """Refuse a file that is not a sane .xlsx workbook; return its sheets with their hidden rows."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_upload_bytes():
        raise BadFile(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into several workbooks.")
            % {"size": round(size / 1048576, 1), "limit": max_upload_bytes() // 1048576}
        )
    if size == 0:
        raise BadFile(_("The file is empty."))
    with path.open("rb") as handle:
        magic = handle.read(8)
    if path.suffix.lower() == ".et":
        raise BadFile(et_message())
    if magic == OLE2_MAGIC:
        return _inspect_ole2(path)
    if magic[:4] != ZIP_MAGIC:
        raise BadFile(_("The file is not an Excel workbook (.xlsx). Save it as .xlsx in Excel or WPS."))
    try:
        archive = zipfile.ZipFile(path)
    except DAMAGE:
        raise BadFile(_("The file is damaged or is not an Excel workbook (.xlsx).")) from None
    try:
        with archive:
            return _inspect_archive(archive)
    except DAMAGE:
        # A bad CRC, a member whose real size differs from the size it declares (a forged zip
        # bomb), truncated or undecodable data: all found while unpacking.
        raise damaged() from None


def _inspect_archive(archive: zipfile.ZipFile) -> list[SheetInfo]:
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names and _is_ods(archive):
        _check_unpacked(archive)
        return _inspect_ods(archive)
    if "xl/workbook.xml" not in names:
        raise BadFile(_("The file is not an Excel workbook (.xlsx). Save it as .xlsx in Excel or WPS."))
    if "EncryptionInfo" in names or any(n.startswith("xl/encryption") for n in names):
        raise BadFile(_("The workbook is password-protected. Remove the password and upload it again."))
    unpacked = 0
    for info in archive.infolist():
        unpacked += info.file_size
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 10_000_000:
            raise BadFile(_("The file unpacks to far more data than a workbook holds; it has been refused."))
    if unpacked > max_unpacked_bytes():
        raise BadFile(
            _("The workbook unpacks to %(size)s MB, more than the %(limit)s MB allowed. Split it.")
            % {"size": unpacked // 1048576, "limit": max_unpacked_bytes() // 1048576}
        )
    # Every member is unpacked once, whatever the reader needs later: a bad CRC or a forged size
    # anywhere is found here, and no XML part may declare a DTD (XXE, billion laughs).
    _check_member(archive, archive.getinfo("xl/workbook.xml"))
    sheets = _sheets_of(archive)
    sheet_paths = {s.path for s in sheets}
    for info in archive.infolist():
        if info.filename not in sheet_paths and info.filename != "xl/workbook.xml":
            _check_member(archive, info)
    for sheet in sheets:
        _scan_rows(archive, sheet)
    return sheets


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Unpack one member in chunks (checking its CRC and size); refuse a DTD in an XML part."""
    xml = info.filename.endswith((".xml", ".rels", ".vml"))
    tail = b""
    first = True
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            if xml:
                if first and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                    raise BadFile(_("The workbook's XML is in an encoding Excel does not write; it has been refused."))
                if DTD.search(tail + chunk):
                    raise _dtd_refusal()
                tail = chunk[-16:]
            first = False


def _dtd_refusal() -> BadFile:
    return BadFile(
        _(
            "The workbook contains XML declarations (DTD/ENTITY) that Excel never writes; it has been "
            "refused for safety. Open it in Excel or WPS, save it as a new .xlsx and upload the copy."
        )
    )


def _sheets_of(archive: zipfile.ZipFile) -> list[SheetInfo]:
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        raise BadFile(_("The file is damaged or is not an Excel workbook (.xlsx).")) from None
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = target
    sheets = []
    for element in workbook.iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
        sheets.append(
            SheetInfo(
                name=element.get("name", ""),
                path=targets.get(rid, ""),
                visible=element.get("state", "visible") == "visible",
            )
        )
    return sheets


def _scan_rows(archive: zipfile.ZipFile, sheet: SheetInfo) -> None:
    """Stream the sheet XML once: its extent (last row and column), the cells it really holds, its
    hidden rows and formula cells without a value; refuse absurd widths and sparse extents.

    Only C-speed searches over the bytes (a literal-prefixed regex, ``find``, ``count``): a
    per-row regex here cost three quarters of the parse itself. The reader builds the sheet's
    whole rectangle (a cell far down and to the right makes it rows × columns), so a sheet whose
    rectangle is far larger than the cells it holds is refused before it is read.
    """
    if sheet.path not in archive.NameToInfo:
        return
    sheet.unpacked = archive.NameToInfo[sheet.path].file_size
    strings = archive.NameToInfo.get("xl/sharedStrings.xml")
    sheet.shared_strings = strings.file_size if strings else 0
    tail = b""
    rows_seen = 0
    with archive.open(sheet.path) as stream:
        while True:
            chunk = stream.read(CHUNK)
            data = tail + chunk
            if not chunk:
                body, tail = data, b""
            else:
                # Keep an unfinished row (or, in an absurd row over a chunk long, an unfinished tag).
                cut = data.rfind(b"</row>")
                cut = cut + 6 if cut >= 0 else data.rfind(b"<")
                body, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            if not body:
                if not chunk:
                    break
                continue
            if DTD.search(body):
                raise _dtd_refusal()
            if WIDE_CELL.search(body):
                raise BadFile(
                    _("Sheet “%(sheet)s” uses columns beyond ZZ; a roster has far fewer. Delete the extra columns.")
                    % {"sheet": sheet.name}
                )
            sheet.cells += body.count(b"<c") + body.count(b":c r=")  # (<cols> and <cfRule> count too: harmless)
            sheet.last_column = _last_column(body, sheet.last_column)
            # Rows without an r="" attribute are numbered by their order: count the tags too.
            rows_seen += body.count(b"<row") + body.count(b":row ") + body.count(b":row>")
            last = max(body.rfind(b"<row "), body.rfind(b":row "))
            if last >= 0:
                number = ROW_NUMBER.search(body, last, body.find(b">", last) + 1 or len(body))
                if number:
                    sheet.last_row = max(sheet.last_row, int(number.group(1)))
            sheet.last_row = max(sheet.last_row, rows_seen)
            start = body.find(b'hidden="')
            while start >= 0:
                opening = body.rfind(b"<", 0, start)
                tag = ROW_TAG.match(body, opening)
                if tag and HIDDEN.search(tag.group(1)):
                    number = ROW_NUMBER.search(tag.group(1))
                    if number:
                        sheet.hidden_rows.add(int(number.group(1)))
                start = body.find(b'hidden="', start + 8)
            for tag in (b"<f", b":f"):
                at = body.find(tag)
                while at >= 0:
                    _note_formula(body, at, sheet)
                    at = body.find(tag, at + 3)
            if sheet.last_row > max_rows():
                raise BadFile(
                    _(
                        "Sheet “%(sheet)s” reaches row %(rows)s; at most %(limit)s rows can be imported at once. "
                        "Delete empty rows at the end or split the workbook."
                    )
                    % {"sheet": sheet.name, "rows": f"{sheet.last_row:,}", "limit": f"{max_rows():,}"}
                )
            _check_extent(sheet, final=False)
            if not chunk:
                break
    _check_extent(sheet, final=True)


def _last_column(body: bytes, known: int) -> int:
    """The right-most column (1 for A) a cell of ``body`` names, if beyond ``known``.

    One search for a cell right of the known edge, continued from each hit with the edge moved: a
    pass or two over the chunk at C speed, never a Python step per cell.
    """
    position = 0
    while known < 26:
        found = re.compile(rb' r="[' + bytes([65 + known]) + rb"-Z][0-9]").search(body, position)
        if found is None:
            break
        known, position = found.group()[4] - 64, found.end()
    position = 0
    while known < 702:
        if known < 26:
            pattern = rb' r="[A-Z][A-Z][0-9]'
        else:
            first, second = divmod(known - 1, 26)  # first 1 for A, second 0 for A
            options = []
            if first < 26:
                options.append(b"[" + bytes([65 + first]) + b"-Z][A-Z]")
            if second < 25:
                options.append(bytes([64 + first]) + b"[" + bytes([66 + second]) + b"-Z]")
            pattern = rb' r="(?:' + b"|".join(options) + rb")[0-9]"
        found = re.compile(pattern).search(body, position)
        if found is None:
            break
        letters = found.group()[4:6]
        known, position = (letters[0] - 64) * 26 + letters[1] - 64, found.end()
    return known


def _check_extent(sheet: SheetInfo, *, final: bool) -> None:
    extent = sheet.last_row * max(sheet.last_column, 1)
    if extent > max_cells():
        raise BadFile(
            _(
                "Sheet “%(sheet)s” spans %(rows)s rows × %(columns)s columns, more than the %(limit)s cells "
                "that can be read at once. Delete empty rows and columns at the end, or split the workbook."
            )
            % {
                "sheet": sheet.name,
                "rows": f"{sheet.last_row:,}",
                "columns": sheet.last_column,
                "limit": f"{max_cells():,}",
            }
        )
    if final and extent > SPARSE_FLOOR and extent > SPARSE_FACTOR * sheet.cells:
        raise BadFile(
            _(
                "Sheet “%(sheet)s” holds %(cells)s cells but reaches row %(rows)s and column %(columns)s: "
                "something is typed far below or to the right of the table. Delete the empty rows and "
                "columns after the table (or copy the table into a new workbook) and upload it again."
            )
            % {
                "sheet": sheet.name,
                "cells": f"{sheet.cells:,}",
                "rows": f"{sheet.last_row:,}",
                "columns": sheet.last_column,
            }
        )


def _note_formula(body: bytes, at: int, sheet: SheetInfo) -> None:
    """Remember a formula cell that was saved without its computed value (<f> but no <v>)."""
    start = -1
    for match in CELL_START.finditer(body, max(0, at - 400), at):
        start = match.start()
    if start < 0:
        return
    end = body.find(b"</", at)
    end_cell = body.find(b"c>", end) if end >= 0 else -1
    cell = body[start : end_cell + 2 if end_cell >= 0 else len(body)]
    if CACHED_VALUE.search(cell):
        return
    ref = CELL_REF.search(cell)
    if ref is None:
        return
    letters, row = ref.groups()
    column = 0
    for letter in letters:
        column = column * 26 + letter - 64
    sheet.formula_cells.add((int(row), column - 1))


def iter_rows(path: str | Path, sheet_name: str) -> Iterator[tuple[int, list]]:
    """(Excel row number, cell values from column A) of each row of a sheet, blank rows included."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    try:
        sheet = workbook.get_sheet_by_name(sheet_name)
        _first_row, first_col = sheet.start or (0, 0)
        pad = [""] * first_col
        # iter_rows() starts at Excel row 1 (blank rows before the first cell included), but at the
        # first column holding a cell: pad the columns, not the rows.
        for offset, row in enumerate(sheet.iter_rows()):
            yield offset + 1, (pad + row) if first_col else row
    finally:
        workbook.close()


# python-calamine holds a sheet's cells in its own memory while they are taken (it has no lazy
# reader): measured at about 1.5 bytes per byte of the sheet's unpacked XML for a roster of
# households and members (docs/excel.md), counted here per byte of the sheet and of the shared
# strings, within 80 % of the budget (the rest is for the Python rows of one chunk). A sheet beyond
# that is streamed with openpyxl instead: much slower, but its memory does not grow with the sheet.
# Should calamine still run out of memory, the importer reads the workbook again streamed.
CALAMINE_BYTES_PER_XML_BYTE = 1.5
CALAMINE_SHARE_OF_BUDGET = 0.8
_stream_all = False


def calamine_needs(info: "SheetInfo") -> int:
    """About how many bytes python-calamine needs to hold the sheet ``info`` describes."""
    return int((info.unpacked + info.shared_strings) * CALAMINE_BYTES_PER_XML_BYTE)


def streams(info: "SheetInfo | None") -> bool:
    """Whether the sheet is too large for calamine within the child's memory budget: read it with
    openpyxl's streaming parser instead. Only an .xlsx sheet (an .xls or .ods has no ``unpacked``)."""
    if info is None or not info.unpacked or not info.path.endswith(".xml"):
        return False
    from . import sandbox

    return _stream_all or calamine_needs(info) > sandbox.budget_bytes() * CALAMINE_SHARE_OF_BUDGET


@contextlib.contextmanager
def streaming():
    """Every .xlsx sheet read within (in this process or a child forked within) is streamed."""
    global _stream_all
    _stream_all = True
    try:
        yield
    finally:
        _stream_all = False


@contextlib.contextmanager
def sheet_rows(path: str | Path, sheet_name: str, info: "SheetInfo | None" = None):
    """(Excel number of the first row, an iterator over every row's cells from column A), blank
    rows included, as a context manager.

    python-calamine parses the sheet into its own compact cells at once, but makes the Python
    lists row by row as they are taken (take them in chunks with ``itertools.islice``, at C speed):
    the reader never holds a whole sheet of Python lists, which were most of its memory. A sheet
    whose cells calamine could not hold within the memory budget (``info``, from :func:`inspect`,
    says how large it is) is streamed with openpyxl: the same values, in constant memory.
    """
    from . import sandbox

    if streams(info):
        sandbox.note_path(sheet_name, "stream")
        log.info(
            "sheet %r streamed: calamine would need about %s MB of the %s MB budget",
            sheet_name,
            calamine_needs(info) // 1048576,
            sandbox.budget_bytes() // 1048576,
        )
        with _streamed_rows(path, sheet_name, info) as opened:
            yield opened
        return
    sandbox.note_path(sheet_name, "calamine")
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    try:
        sheet = workbook.get_sheet_by_name(sheet_name)
        _first_row, first_col = sheet.start or (0, 0)
        rows = iter(sheet.iter_rows())  # from Excel row 1 (leading blank rows included), see iter_rows()
        if first_col:
            pad = [""] * first_col
            rows = (pad + row for row in rows)
        yield 1, rows
    finally:
        workbook.close()


def _as_calamine(value):
    """A cell value from openpyxl as python-calamine gives it: blanks "", numbers float, a date
    without a time of day a date."""
    if value is None:
        return ""
    kind = type(value)
    if kind is int:
        return float(value)
    if kind is datetime.datetime and not (value.hour or value.minute or value.second or value.microsecond):
        return value.date()
    return value


@contextlib.contextmanager
def _streamed_rows(path: str | Path, sheet_name: str, info: "SheetInfo"):
    """sheet_rows() for a large .xlsx sheet, by openpyxl in read-only mode: it parses the sheet XML
    as it is taken (an iterparse), so only the shared strings and one chunk of rows are held.

    The sheet's declared dimension is ignored (a forged one would pad every row): rows are as wide
    as the right-most cell inspect() found. Leading blank rows are kept, as calamine keeps them.
    """
    from openpyxl import load_workbook

    workbook = load_workbook(str(path), read_only=True, data_only=True, keep_links=False)
    try:
        sheet = workbook[sheet_name]
        sheet.reset_dimensions()
        width = max(info.last_column, 1)
        convert = _as_calamine
        rows = ([convert(v) for v in row] for row in sheet.iter_rows(min_row=1, max_col=width, values_only=True))
        yield 1, rows
    finally:
        workbook.close()


# ---------------------------------------------------------------------------------------------
# .xls (Excel 97-2003) and .ods (LibreOffice, WPS "OpenDocument"), read by python-calamine like .xlsx


def et_message() -> str:
    return _(
        "WPS's own .et format cannot be read. In WPS, choose 文件 → 另存为 and the type "
        "“Microsoft Excel 文件 (*.xlsx)”, then upload the .xlsx file."
    )


def suffix_for(fileobj, name: str) -> str:
    """.xls, .ods, .et or .xlsx: what an upload is, from its first bytes (and .et from its name)."""
    if name.lower().endswith(".et"):
        return ".et"
    head = fileobj.read(8)
    if head == OLE2_MAGIC:
        return ".xls"
    if head[:4] == ZIP_MAGIC:
        fileobj.seek(0)
        try:
            with zipfile.ZipFile(fileobj) as archive:
                if "xl/workbook.xml" not in archive.NameToInfo and _is_ods(archive):
                    return ".ods"
        except (zipfile.BadZipFile, OSError):
            pass
    return ".xlsx"


def _inspect_ole2(path: Path) -> list[SheetInfo]:
    """An OLE2 file is an old .xls workbook, or a password-protected .xlsx wrapped by Excel or WPS.

    An .xls holds at most 65,536 rows and 256 columns (the format's own limits), so no further
    row or width check is needed; its hidden rows are not detected (docs/excel.md).
    """
    with path.open("rb") as handle:
        data = handle.read()
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        raise BadFile(_("The workbook is password-protected. Remove the password and upload it again."))
    if "Workbook".encode("utf-16-le") not in data and "Book".encode("utf-16-le") not in data:
        raise BadFile(
            _(
                "The file is password-protected or damaged. Remove the password, or open it in Excel or WPS "
                "and save it as an .xlsx workbook, then upload it again."
            )
        )
    del data
    try:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        try:
            names = workbook.sheet_names
        finally:
            workbook.close()
    except Exception:
        raise BadFile(_("The file is damaged or is not an Excel workbook (.xlsx).")) from None
    return [SheetInfo(name=name, path="") for name in names]


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
MAX_COLUMNS = 702  # ZZ, as for .xlsx


def _is_ods(archive: zipfile.ZipFile) -> bool:
    try:
        return archive.read("mimetype").strip() == ODS_MIMETYPE and "content.xml" in archive.NameToInfo
    except KeyError:
        return False


def _check_unpacked(archive: zipfile.ZipFile) -> None:
    """The zip-bomb checks of inspect(), for an .ods."""
    unpacked = 0
    for info in archive.infolist():
        unpacked += info.file_size
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 10_000_000:
            raise BadFile(_("The file unpacks to far more data than a workbook holds; it has been refused."))
    if unpacked > max_unpacked_bytes():
        raise BadFile(
            _("The workbook unpacks to %(size)s MB, more than the %(limit)s MB allowed. Split it.")
            % {"size": unpacked // 1048576, "limit": max_unpacked_bytes() // 1048576}
        )


def _inspect_ods(archive: zipfile.ZipFile) -> list[SheetInfo]:
    """Stream content.xml once: each table's last row and column holding a value, and hidden rows.

    An .ods compresses runs of rows and cells (``number-rows-repeated``): a row repeated a million
    times is one element. Only repeats that hold a value count, as a reader would have to expand
    them; trailing empty runs (LibreOffice writes one to the sheet's end) do not.
    """
    sheets: list[SheetInfo] = []
    rows_attr, cols_attr = f"{ODS_TABLE}number-rows-repeated", f"{ODS_TABLE}number-columns-repeated"
    try:
        with archive.open("content.xml") as stream:
            row = 0
            column = 0
            width = 0
            row_has_value = False
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == f"{ODS_TABLE}table":
                        sheets.append(SheetInfo(name=element.get(f"{ODS_TABLE}name", ""), path="content.xml"))
                        row = 0
                    elif tag == f"{ODS_TABLE}table-row":
                        column, row_has_value = 0, False
                    continue
                if tag in (f"{ODS_TABLE}table-cell", f"{ODS_TABLE}covered-table-cell"):
                    repeat = int(element.get(cols_attr, "1"))
                    has_value = len(element) > 0 or any(k.endswith("}value-type") for k in element.attrib)
                    column += repeat
                    if has_value:
                        row_has_value = True
                        width = max(width, column)
                        if width > MAX_COLUMNS:
                            raise BadFile(
                                _(
                                    "Sheet “%(sheet)s” uses columns beyond ZZ; a roster has far fewer. "
                                    "Delete the extra columns."
                                )
                                % {"sheet": sheets[-1].name}
                            )
                    element.clear()
                elif tag == f"{ODS_TABLE}table-row":
                    repeat = int(element.get(rows_attr, "1"))
                    sheet = sheets[-1]
                    if row_has_value:
                        sheet.last_row = row + repeat
                        if element.get(f"{ODS_TABLE}visibility", "visible") != "visible":
                            sheet.hidden_rows.update(range(row + 1, row + repeat + 1))
                        if sheet.last_row > max_rows():
                            raise BadFile(
                                _(
                                    "Sheet “%(sheet)s” reaches row %(rows)s; at most %(limit)s rows can be "
                                    "imported at once. Delete empty rows at the end or split the workbook."
                                )
                                % {"sheet": sheet.name, "rows": f"{sheet.last_row:,}", "limit": f"{max_rows():,}"}
                            )
                    row += repeat
                    element.clear()
    except BadFile:
        raise
    except Exception:
        raise BadFile(_("The file is damaged or is not an Excel workbook (.xlsx).")) from None
    return sheets
