"""Reading a department's roster workbook: ID number, name, detail, amount per row.

The workbook goes through the exchange app's safe reader; each bad row is kept with its problem so
that the bureau sees it reported back rather than silently dropped.
"""

import re
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from exchange import cells, reader, sandbox
from relocation.idnumbers import mask_id_number

# A formula cell saved without its computed value (it reads as blank): reported, never taken as empty.
UNCOMPUTED = "\x00uncomputed-formula"

HEADERS = {
    "id_number": ["身份证号", "身份证号码", "公民身份号码", "证件号码", "id number"],
    "name": ["姓名", "name"],
    "detail": ["情况说明", "说明", "事项", "detail"],
    "amount": ["金额", "金额（元）", "金额(元)", "自付金额", "amount"],
}


# A run of digits as long as an ID number (or a mistyped one), perhaps ending in X.
ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{10,17}[0-9Xx](?![0-9A-Za-z])")


def mask_ids_in(text: str) -> str:
    """A message about a row never prints the ID number in full: 3623**********1234, as the column shows it."""
    return ID_LIKE.sub(lambda m: mask_id_number(m.group(0)), text or "")


class RosterError(Exception):
    pass


def _read_first_sheet(path: str) -> list[tuple[int, list]]:
    """In the child: the rows of the first visible sheet, formula cells without a value marked."""
    sheets = [s for s in reader.inspect(Path(path)) if s.visible]
    if not sheets:
        raise reader.BadFile(_("The workbook has no visible sheet."))
    rows = []
    for number, values in reader.iter_rows(path, sheets[0].name):
        for row, column in sheets[0].formula_cells:
            if row == number and column < len(values) and cells.is_blank(values[column]):
                values[column] = UNCOMPUTED
        rows.append((number, values))
    return rows


def _column_map(header: list) -> dict[str, int]:
    found = {}
    for i, cell in enumerate(header):
        text = cells.text_of(cell).strip().lower()
        for key, names in HEADERS.items():
            if key not in found and text in [n.lower() for n in names]:
                found[key] = i
    return found


def parse_roster(upload) -> list[dict]:
    """Rows of an uploaded .xlsx roster; raises RosterError when the file or its header is unusable."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as spool:
        for chunk in upload.chunks():
            spool.write(chunk)
        spool.flush()
        try:
            # The same checks and memory-capped child process as every import (exchange.sandbox).
            rows = sandbox.capped(_read_first_sheet, spool.name)
        except reader.BadFile as exc:
            raise RosterError(str(exc)) from None
    columns, out = None, []
    for number, values in rows:
        if columns is None:
            mapped = _column_map(values)
            if "id_number" in mapped:
                columns = mapped
            continue
        if all(cells.is_blank(v) for v in values):
            continue
        out.append(_row(number, values, columns))
    if columns is None:
        raise RosterError(_("No header row with a column named 身份证号 was found in the first sheet."))
    if not out:
        raise RosterError(_("The roster has no rows under its header."))
    return out


def _row(number: int, values: list, columns: dict[str, int]) -> dict:
    problems = []

    def cell(key):
        i = columns.get(key)
        value = values[i] if i is not None and i < len(values) else ""
        if value == UNCOMPUTED:
            problems.append(_("The formula cell has no computed result; paste it as a value."))
            return ""
        return value

    row = {
        "row_number": number,
        "name": cells.text_of(cell("name"))[:50],
        "detail": cells.text_of(cell("detail"))[:300],
    }
    raw = cell("id_number")
    row["raw_id"] = cells.text_of(raw)[:18]
    try:
        if problems:  # the ID number is an uncomputed formula
            raise cells.CellError("")
        row["id_number"] = cells.parse_id_number(raw)
    except cells.CellError as exc:
        row["id_number"] = ""
        problems.extend([str(exc)] if str(exc) else [])
    amount = cell("amount")
    row["amount"] = None
    if not cells.is_blank(amount):
        try:
            row["amount"] = cells.parse_decimal(amount)
        except cells.CellError as exc:
            problems.append(_("Amount: %(e)s") % {"e": exc})
    row["problem"] = mask_ids_in("；".join(problems))[:300]
    return row
