"""Crafted and damaged workbooks: each refused in Chinese, through the one reader, on every upload.

The reading runs in a memory-capped child (exchange.sandbox); the sparse sheets are refused there
with the child's own peak resident memory (``ru_maxrss``) well under the 500 MB budget.
"""

import struct
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange import reader, sandbox, services
from exchange.models import ImportRecord
from monitoring.models import DepartmentRoster
from relocation.models import Household
from tests.exchange.workbooks import HOUSEHOLD_HEADER, build, household_row, upload

BUDGET_MB = 500


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _rewrite(source, target, *, replace: dict | None = None, add: dict | None = None):
    """A copy of an .xlsx with some members' contents replaced or added."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(source) as good, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in good.infolist():
            out.writestr(info.filename, replace.get(info.filename, good.read(info)))
        for name, data in add.items():
            out.writestr(name, data)
    return target


def _good(tmp_path):
    return build(tmp_path / "good.xlsx", {"户": [HOUSEHOLD_HEADER, household_row("GF-H-1")]})


def _sheet_xml(rows_xml: str, doctype: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        + doctype
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + rows_xml
        + "</sheetData></worksheet>"
    ).encode()


def _header_xml() -> str:
    cells = "".join(
        f'<c r="{openpyxl.utils.get_column_letter(i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(HOUSEHOLD_HEADER, start=1)
    )
    return f'<row r="1">{cells}</row>'


def sparse(tmp_path, *, row: int, column: str = "ZZ"):
    """A few-KB workbook: the header, and one value far down and to the right."""
    far = f'<row r="{row}"><c r="{column}{row}" t="inlineStr"><is><t>x</t></is></c></row>'
    return _rewrite(
        _good(tmp_path),
        tmp_path / f"sparse-{row}.xlsx",
        replace={"xl/worksheets/sheet1.xml": _sheet_xml(_header_xml() + far)},
    )


def _patch_headers(path, name: bytes, *, central: tuple[int, bytes], local: tuple[int, bytes]):
    """Overwrite a field of a member's central-directory entry and of its local header."""
    data = bytearray(path.read_bytes())
    at = 0
    while (at := data.find(name, at + 1)) > 0:
        if data[at - 46 : at - 42] == b"PK\x01\x02":
            offset, value = central
            data[at - 46 + offset : at - 46 + offset + len(value)] = value
        elif data[at - 30 : at - 26] == b"PK\x03\x04":
            offset, value = local
            data[at - 30 + offset : at - 30 + offset + len(value)] = value
    path.write_bytes(bytes(data))
    return path


def bad_crc(tmp_path):
    """The sheet's CRC-32 does not match its data."""
    path = _rewrite(_good(tmp_path), tmp_path / "crc.xlsx")
    wrong = struct.pack("<I", 0x12345678)
    return _patch_headers(path, b"xl/worksheets/sheet1.xml", central=(16, wrong), local=(14, wrong))


def forged_bomb(tmp_path):
    """200 MB of zeros whose headers say they unpack to 1 KB (so the declared ratio looks harmless)."""
    path = _rewrite(_good(tmp_path), tmp_path / "forged.xlsx", add={"xl/media/pad.bin": b"\0" * (200 * 1024 * 1024)})
    size = struct.pack("<I", 1024)
    return _patch_headers(path, b"xl/media/pad.bin", central=(24, size), local=(22, size))


def xxe(tmp_path):
    doctype = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    rows = _header_xml() + '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    return _rewrite(
        _good(tmp_path), tmp_path / "xxe.xlsx", replace={"xl/worksheets/sheet1.xml": _sheet_xml(rows, doctype)}
    )


def billion_laughs(tmp_path):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    ).encode()
    return _rewrite(_good(tmp_path), tmp_path / "laughs.xlsx", add={"xl/sharedStrings.xml": strings})


HOSTILE = {
    "bad CRC": (bad_crc, "文件已损坏"),
    "forged zip bomb": (forged_bomb, "文件已损坏"),
    "XXE": (xxe, "DTD"),
    "billion laughs": (billion_laughs, "DTD"),
}


def _file(path):
    return SimpleUploadedFile("名单.xlsx", path.read_bytes())


def _preview(user, path):
    record = services.import_upload(user=user, uploaded_file=upload(path), kind="households")
    return services.import_preview(record=record)


@pytest.mark.django_db
@pytest.mark.parametrize("row", [100_000, 599_999])
def test_a_sparse_sheet_is_refused_within_the_memory_budget(cast, tmp_path, row):
    path = sparse(tmp_path, row=row)
    assert path.stat().st_size < 20_000
    record = _preview(cast.alice, path)
    assert record.status == ImportRecord.Status.REJECTED
    assert "删除" in record.message and f"{row:,}" in record.message
    run = sandbox.last()
    assert run is not None and run.outcome == "bad"
    assert run.peak_kb > 0 and run.extra_mb < BUDGET_MB
    assert not Household.objects.filter(code="GF-H-1").exists()


@pytest.mark.django_db
def test_a_sheet_sparse_within_the_row_limit_but_narrow_is_refused_by_its_cells(cast, tmp_path):
    path = sparse(tmp_path, row=300_000, column="K")  # 300,000 × 11: under the cell budget, 20 cells present
    record = _preview(cast.alice, path)
    assert record.status == ImportRecord.Status.REJECTED
    assert "空行" in record.message or "删除" in record.message


@pytest.mark.django_db
def test_a_workbook_needing_more_memory_than_the_budget_is_refused_and_the_server_goes_on(cast, tmp_path, settings):
    # The reader streams its rows, but the parser holds the sheet's cells: 20,000 rows of 300
    # characters of text each need some 20 MB more than a 1 MB budget gives.
    wide = build(
        tmp_path / "wide.xlsx",
        {"户": [HOUSEHOLD_HEADER] + [household_row(f"GF-B-{i}", head=f"{i}" + "张" * 300) for i in range(20_000)]},
    )
    settings.EXCHANGE_READ_MEMORY_MB = 1
    record = _preview(cast.alice, wide)
    assert record.status == ImportRecord.Status.REJECTED
    assert "内存" in record.message
    assert sandbox.last().outcome in ("memory", "died")
    # The server goes on: the next upload, within the usual budget, is read.
    settings.EXCHANGE_READ_MEMORY_MB = 500
    path = build(tmp_path / "big.xlsx", {"户": [HOUSEHOLD_HEADER] + [household_row(f"GF-C-{i}") for i in range(5_000)]})
    record = _preview(cast.alice, path)
    assert record.status == ImportRecord.Status.PREVIEWED and record.rows_new == 5_000
    assert sandbox.last().extra_mb < BUDGET_MB


def test_the_reading_child_cannot_take_more_than_its_budget(settings):
    settings.EXCHANGE_READ_MEMORY_MB = 50

    def greedy():
        return len(bytearray(300 * 1024 * 1024))

    with pytest.raises(reader.BadFile) as refused:
        sandbox.capped(greedy)
    assert "内存" in str(refused.value) and "50 MB" in str(refused.value)
    assert sandbox.last().outcome in ("memory", "died")
    assert sandbox.capped(lambda: len(bytearray(10 * 1024 * 1024))) == 10 * 1024 * 1024  # within it: answered


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_workbook_is_refused_in_chinese_by_the_import(cast, tmp_path, client_of, name):
    make, words = HOSTILE[name]
    path = make(tmp_path)
    response = client_of(cast.alice).post(
        reverse("exchange:import_list"), {"kind": "households", "file": upload(path)}, follow=True
    )
    assert response.status_code == 200
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.REJECTED
    assert words in record.message
    assert words in response.content.decode()
    assert not Household.objects.filter(code="GF-H-1").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_workbook_is_refused_in_chinese_by_the_roster_upload(cast, tmp_path, client_of, name):
    make, words = HOSTILE[name]
    path = make(tmp_path)
    response = client_of(cast.erin).post(
        reverse("monitoring:roster_upload"),
        {
            "title": "名单",
            "fact": "other",
            "period": "2026-11-01",
            "file": SimpleUploadedFile("a.xlsx", path.read_bytes()),
        },
    )
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not DepartmentRoster.objects.exists()


@pytest.mark.django_db
def test_a_sparse_roster_is_refused_too(cast, tmp_path, client_of):
    path = sparse(tmp_path, row=599_999)
    response = client_of(cast.erin).post(
        reverse("monitoring:roster_upload"),
        {
            "title": "名单",
            "fact": "other",
            "period": "2026-11-01",
            "file": SimpleUploadedFile("a.xlsx", path.read_bytes()),
        },
    )
    assert response.status_code == 200
    assert "599,999" in response.content.decode()
    assert sandbox.last().extra_mb < BUDGET_MB


@pytest.mark.django_db
def test_a_formula_cell_without_a_computed_value_is_named_as_such(cast, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HOUSEHOLD_HEADER)
    sheet.append(household_row("GF-F-1"))
    sheet["B2"] = '=CONCATENATE("张","三")'  # saved by a program that does not compute: no cached value
    path = tmp_path / "formula.xlsx"
    book.save(path)
    record = _preview(cast.alice, path)
    assert record.rows_invalid == 1
    assert [(e["row"], e["column"], e["message"]) for e in record.errors] == [
        (2, "户主姓名", "公式单元格没有计算结果，请粘贴为数值")
    ]


@pytest.mark.django_db
def test_a_formula_cell_with_its_computed_value_is_read(cast, tmp_path):
    path = _good(tmp_path)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    # 搬迁年度 (column I) as a formula with its computed value, as Excel saves one.
    cell_at = xml.index(b'<c r="I2"')
    end = xml.index(b"</c>", cell_at) + 4
    xml = xml[:cell_at] + b'<c r="I2"><f>2000+19</f><v>2019</v></c>' + xml[end:]
    path = _rewrite(path, tmp_path / "cached.xlsx", replace={"xl/worksheets/sheet1.xml": xml})
    record = _preview(cast.alice, path)
    assert record.errors == [] and record.rows_invalid == 0 and record.rows_new == 1


def test_the_reader_refuses_each_hostile_file_directly(tmp_path):
    for make, words in HOSTILE.values():
        with pytest.raises(reader.BadFile) as refused:
            reader.inspect(make(tmp_path))
        assert words in str(refused.value) or "DTD" in str(refused.value)


def test_a_truncated_workbook_is_refused_as_damaged(tmp_path):
    good = _good(tmp_path).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(reader.BadFile):
        reader.inspect(cut)
