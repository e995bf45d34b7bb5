"""Workbooks the portal hands out: import templates, and the invalid rows of an import to fix."""

from collections import defaultdict

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from . import importer, reader
from .export import neutralise, write_sheet

REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


def template_workbook(kind: str, fileobj) -> None:
    """Headers (required ones marked), drop-down lists for choice columns, one example row, instructions."""
    specs = importer._specs()
    kinds = importer.ACCEPTS[kind]
    book = Workbook()
    book.remove(book.active)
    lists = book.create_sheet(_("Options"))
    lists.sheet_state = "hidden"
    list_column = 0
    with translation.override("zh-hans"):
        for sheet_kind in kinds:
            spec = specs[sheet_kind]
            sheet = book.create_sheet(str(spec.title)[:31], 0 if sheet_kind == kinds[0] else None)
            for index, column in enumerate(spec.columns, start=1):
                letter = get_column_letter(index)
                cell = sheet.cell(row=1, column=index, value=str(column.header))
                cell.font = Font(bold=True)
                if column.required:
                    cell.fill = REQUIRED_FILL
                example = sheet.cell(row=2, column=index, value=column.example if column.example != "" else None)
                # Text format: Excel would turn an ID number or phone into a number and lose digits.
                for row in range(2, 1002):
                    sheet.cell(row=row, column=index).number_format = "@" if not column.choices else "General"
                example.value = column.example if column.example != "" else None
                sheet.column_dimensions[letter].width = max(12, len(str(column.header)) * 2 + 4)
                if column.choices:
                    list_column += 1
                    list_letter = get_column_letter(list_column)
                    for position, label in enumerate(column.choices, start=1):
                        lists.cell(row=position, column=list_column, value=label)
                    ref = f"{quote_sheetname(lists.title)}!${list_letter}$1:${list_letter}${len(column.choices)}"
                    validation = DataValidation(type="list", formula1=ref, allow_blank=not column.required)
                    validation.error = _("Choose a value from the list.")
                    validation.showErrorMessage = True
                    sheet.add_data_validation(validation)
                    validation.add(f"{letter}2:{letter}5000")
            sheet.freeze_panes = "A2"
        notes = book.create_sheet(_("Instructions"))
        notes.column_dimensions["A"].width = 100
        for line in _instructions(kind, [specs[k] for k in kinds]):
            notes.append([line])
        notes["A1"].font = Font(bold=True, size=14)
    book.save(fileobj)


def _instructions(kind: str, specs) -> list[str]:
    lines = [
        _("How to fill in this workbook"),
        "",
        _("1. Keep the header row as it is; a title row above it is allowed. Yellow columns are required."),
        _("2. Replace the example row with your data, one row per household or member; blank rows are skipped."),
        _("3. Type ID numbers and phones as text (the columns are already text): a number cell loses digits."),
        _("4. Dates may be written 2019-12-01, 2019/12/1, 2019.12 or 2019年12月."),
        _("5. Choose the values of drop-down columns from their lists."),
        _(
            "6. Upload the workbook; the portal checks every row first and imports nothing until you confirm. "
            "Rows already in the portal are updated, matched on household code or ID number."
        ),
        _("7. You can only import households of your own township or settlement site."),
        "",
    ]
    for spec in specs:
        lines.append(str(spec.title))
        for column in spec.columns:
            mark = _("required") if column.required else _("optional")
            choices = "：" + "、".join(column.choices) if column.choices else ""
            lines.append(f"    {column.header}（{mark}）{choices}")
        lines.append("")
    return [neutralise(line) for line in lines]


def error_workbook(record, fileobj, *, errors=None, mask: bool = False) -> int:
    """The invalid rows of an import as they were uploaded, with an added column naming each error.

    ``errors`` replaces the record's own (the view passes them masked for the reader's role), and
    ``mask`` masks every ID number and mobile number in the uploaded cells too (a reader not allowed
    full numbers). The upload is read again in a memory-capped child process, like every read of an upload.
    """
    import shutil
    import tempfile

    from . import sandbox

    errors = record.errors if errors is None else errors
    with tempfile.TemporaryDirectory(prefix="portal-errors-") as folder:
        target = f"{folder}/errors.xlsx"
        written = sandbox.capped(
            _write_error_workbook, record.file.path, record.file_name, record.sheets, errors, target, mask
        )
        with open(target, "rb") as made:
            shutil.copyfileobj(made, fileobj)
    return written


def join_messages(messages: list[str]) -> str:
    """One cell's problems as one sentence: "A；B。", never "A。；B。"."""
    parts = [m.strip().rstrip("。；;.") for m in messages if m and m.strip()]
    return "；".join(parts) + "。" if parts else ""


def _masked_cell(value):
    from accounts.logging import mask_text

    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        masked = mask_text(str(value))
        return value if masked == str(value) else masked
    return value


def _write_error_workbook(path, file_name, sheet_reports, errors, target, mask=False) -> int:
    messages = defaultdict(list)
    for error in errors:
        messages[(error["sheet"], error["row"])].append(f"{error['column']}：{error['message']}")
    sheets = {s["name"]: s for s in sheet_reports if s.get("header_row")}
    book = Workbook(write_only=True)
    written = 0
    for name, info in sheets.items():
        wanted = {row for (sheet, row) in messages if sheet == name}
        if not wanted:
            continue
        header = []
        rows = []
        for number, cells in reader.iter_rows(path, name):
            if number == info["header_row"]:
                header = [str(c) for c in cells]
            elif number in wanted:
                if mask:
                    cells = [_masked_cell(c) for c in cells]
                rows.append([*cells, join_messages(messages[(name, number)]), number])
        columns = [*header, _("Errors"), _("Row in the uploaded file")]
        written += write_sheet(book, title=name, columns=columns, rows=rows, subtitle=file_name)
    if not written:
        book.create_sheet(_("No errors"))
    book.save(target)
    return written
