"""Reading a department's roster workbook: ID number, name, detail, amount per row.

The workbook goes through the exchange app's safe reader; each bad row is kept with its problem so
that the bureau sees it reported back rather than silently dropped.
"""

import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from exchange import cells, reader

HEADERS = {
    "id_number": ["身份证号", "身份证号码", "公民身份号码", "证件号码", "id number"],
    "name": ["姓名", "name"],
    "detail": ["情况说明", "说明", "事项", "detail"],
    "amount": ["金额", "金额（元）", "金额(元)", "自付金额", "amount"],
}


class RosterError(Exception):
    pass


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
            sheets = [s for s in reader.inspect(Path(spool.name)) if s.visible]
            if not sheets:
                raise RosterError(_("The workbook has no visible sheet."))
            rows = list(reader.iter_rows(spool.name, sheets[0].name))
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
    def cell(key):
        i = columns.get(key)
        return values[i] if i is not None and i < len(values) else ""

    row = {
        "row_number": number,
        "name": cells.text_of(cell("name"))[:50],
        "detail": cells.text_of(cell("detail"))[:300],
    }
    raw = cell("id_number")
    row["raw_id"] = cells.text_of(raw)[:18]
    problems = []
    try:
        row["id_number"] = cells.parse_id_number(raw)
    except cells.CellError as exc:
        row["id_number"] = ""
        problems.append(str(exc))
    amount = cell("amount")
    row["amount"] = None
    if not cells.is_blank(amount):
        try:
            row["amount"] = cells.parse_decimal(amount)
        except cells.CellError as exc:
            problems.append(_("Amount: %(e)s") % {"e": exc})
    row["problem"] = "；".join(problems)[:300]
    return row
