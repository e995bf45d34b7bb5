"""Excel out: one function every list page calls to hand its rows over as a workbook.

The workbook is written with openpyxl's write-only mode into a temporary file on disk and streamed
from there, so memory stays flat however many rows a list has. Every text cell a spreadsheet could
read as a formula is neutralised here, on the one path all exports take.
"""

import datetime
import re
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from accounts.models import AccessLog, log_access

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these may be taken for a formula (or DDE payload) by Excel, WPS or
# LibreOffice, including when the workbook is later saved as CSV.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# Characters XML 1.0 cannot carry; openpyxl refuses a cell holding one (pasted control codes).
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(value):
    """A value safe to put in a cell: text that could start a formula gets a leading apostrophe."""
    if value is None or isinstance(value, (int, float, Decimal, datetime.date)):
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            # Excel has no time zones: staff read times in the district's local time.
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    text = ILLEGAL_XML.sub("", str(value))
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def sheet_title(text: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return (SHEET_TITLE_FORBIDDEN.sub("_", text).strip() or "Sheet1")[:31]


def write_sheet(workbook, *, title: str, columns: Sequence[str], rows: Iterable[Sequence], subtitle: str = "") -> int:
    """Append one write-only sheet: title row, optional subtitle, header, then the rows; return the row count."""
    sheet = workbook.create_sheet(sheet_title(title))
    for index, name in enumerate(columns):
        # Column widths from the header: Chinese characters are about two Latin widths.
        letter = _column_letter(index)
        sheet.column_dimensions[letter].width = max(10, min(40, len(str(name)) * 2 + 4))
    header_row = 3 if subtitle else 2
    sheet.freeze_panes = f"A{header_row + 1}"
    title_cell = WriteOnlyCell(sheet, value=neutralise(title))
    title_cell.font = Font(bold=True, size=14)
    sheet.append([title_cell])
    if subtitle:
        sheet.append([neutralise(subtitle)])
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(name))
        cell.font = bold
        cell.alignment = centre
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([neutralise(v) for v in row])
        count += 1
    return count


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def write_workbook(fileobj, *, title: str, columns: Sequence[str], rows: Iterable[Sequence], subtitle: str = "") -> int:
    """Write a one-sheet workbook into ``fileobj`` and return the number of data rows."""
    workbook = Workbook(write_only=True)
    count = write_sheet(workbook, title=title, columns=columns, rows=rows, subtitle=subtitle)
    workbook.save(fileobj)
    return count


def xlsx_response(
    *,
    request,
    filename: str,
    title: str,
    columns: list[str],
    rows: Iterable[Sequence],
    object_type: str,
    subtitle: str = "",
    detail: str = "",
) -> HttpResponse:
    """Stream ``rows`` as an .xlsx download and record the export in the access log.

    Callers pass rows already masked for the user, built from a queryset already narrowed with
    ``for_user``; this function neutralises formulas, keeps memory bounded and logs who took what.
    """
    # A file on disk rather than in memory: 100,000 rows are tens of megabytes once zipped.
    spool = tempfile.TemporaryFile(prefix="export-", suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    count = write_workbook(spool, title=title, columns=columns, rows=rows, subtitle=subtitle)
    spool.seek(0)
    log_access(request.user, AccessLog.Action.EXPORT, object_type=object_type, rows=count, detail=detail)
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    response = FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"  # personal data: no copy in a shared cache
    return response


def export_filename(stem: str) -> str:
    """``stem`` followed by today's date, the way staff name their files: 搬迁户花名册_2026-11-29.xlsx."""
    return f"{stem}_{timezone.localdate():%Y-%m-%d}.xlsx"
