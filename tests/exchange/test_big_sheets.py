"""A sheet too large for python-calamine within the reader's memory budget is streamed with openpyxl
(exchange.reader.sheet_rows): the same cell values, in memory that does not grow with the sheet."""

import datetime
import itertools
import re
import zipfile

import openpyxl
import pytest
import python_calamine

from exchange import importer, reader, sandbox, services
from tests.exchange.workbooks import HOUSEHOLD_HEADER, MEMBER_HEADER, build, household_row, member_row, upload
from tests.factories import make_id_number


def with_cached_value(path, cell: str, value: str):
    """openpyxl saves a formula without its computed value; Excel saves one: put ``value`` in."""
    source = zipfile.ZipFile(path)
    members = {info.filename: source.read(info.filename) for info in source.infolist()}
    source.close()
    xml = members["xl/worksheets/sheet1.xml"].decode()
    xml, count = re.subn(rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f><v\s*/?>(?:</v>)?', rf"\1<f>\2</f><v>{value}</v>", xml)
    assert count == 1
    members["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


def both_paths(path, name):
    """The rows of sheet ``name`` read by calamine and by the streaming reader, by Excel row number."""
    (info,) = [s for s in reader.inspect(path) if s.name == name]
    read = {}
    readers = {"calamine": reader.sheet_rows(path, name), "stream": reader._streamed_rows(path, name, info)}
    for label, opened in readers.items():
        with opened as (first, rows):
            # calamine makes each row as wide as the widest; compare without trailing blank cells
            read[label] = {
                first + n: tuple(itertools.dropwhile(lambda v: v == "", reversed(row)))[::-1]
                for n, row in enumerate(rows)
            }
    return read["calamine"], read["stream"]


@pytest.mark.django_db
def test_the_streaming_reader_gives_the_cells_calamine_gives(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append([])  # a blank first row: both start at the header
    sheet.append(["户编号", "办证日期", "时刻", "住房面积", "人口", "备注", "是否", "合计", "未算"])
    when = datetime.datetime(2021, 3, 4, 8, 30)
    sheet.append(["GF-1", datetime.date(2020, 6, 1), when, 75.5, 4, "张三", True, "=E3*2", "=E3+1"])
    sheet.append([None] * 9)  # a blank row inside the table stays
    sheet.append(["GF-2", None, None, 0, -3, "  李四 ", False, None, None])
    sheet.append(["12345678901234567890", "2020-06-01", None, 1e15, 0.1, None, None, None, None])
    sheet["B6"].number_format = "@"
    path = tmp_path / "mixed.xlsx"
    book.save(path)
    with_cached_value(path, "H3", "8")

    calamine, streamed = both_paths(path, "花名册")
    assert streamed == calamine
    assert streamed[3] == ("GF-1", datetime.date(2020, 6, 1), when, 75.5, 4.0, "张三", True, 8.0)
    assert streamed[4] == () and streamed[2][0] == "户编号"
    # The formula saved without a value reads blank on both paths; inspect() reports it as before.
    (info,) = reader.inspect(path)
    assert (3, 8) in info.formula_cells and (3, 7) not in info.formula_cells


BUDGET_MB = 12
HOUSEHOLDS = 8000


def roster(households: int):
    house_rows = [HOUSEHOLD_HEADER] + [household_row(f"GF-B-{i:04d}") for i in range(households)]
    member_rows = [MEMBER_HEADER]
    for i in range(households):
        # (make_id_number: fresh_id_number's supply is shared with every other test of the session)
        member_rows.append(member_row(f"GF-B-{i:04d}", make_id_number(), name=f"户主{i}"))
        member_rows.append(member_row(f"GF-B-{i:04d}", make_id_number(), name=f"配偶{i}", relation="配偶"))
    return {"花名册": house_rows, "成员": member_rows}


@pytest.fixture(scope="module")
def big_roster(tmp_path_factory):
    """One workbook for the tests below (the fresh ID numbers of the test workbooks would run out)."""
    return build(tmp_path_factory.mktemp("big") / "roster.xlsx", roster(HOUSEHOLDS))


@pytest.mark.django_db
def test_a_sheet_calamine_cannot_hold_in_the_budget_is_streamed_and_previews(
    cast, tmp_path, settings, monkeypatch, big_roster
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXCHANGE_READ_IN_CHILD = True
    settings.EXCHANGE_READ_MEMORY_MB = BUDGET_MB
    monkeypatch.setattr(importer, "CHUNK_ROWS", 256)
    path = big_roster
    members = next(s for s in reader.inspect(path) if s.name == "成员")
    assert reader.streams(members)

    # (A read past the budget is refused, saying why: tests/trust/test_hostile_workbooks.py. Whether
    # calamine itself would run out here depends on the heap this process already holds.)
    # The streamed read itself, with room for what the child of a long-lived process touches besides.
    settings.EXCHANGE_READ_MEMORY_MB = 4 * BUDGET_MB
    record = services.import_upload(user=cast.alice, uploaded_file=upload(path), kind="households")
    with reader.streaming():
        record = services.import_preview(record=record)
    assert record.message == ""
    assert (record.status, record.rows_total, record.rows_invalid) == ("previewed", 3 * HOUSEHOLDS, 0)
    run = sandbox.last()
    assert run.paths["成员"] == "stream"  # (at this budget the households sheet streams too)
    assert run.outcome == "ok" and run.extra_mb <= 4 * BUDGET_MB


@pytest.mark.django_db
def test_a_sheet_that_calamine_cannot_hold_after_all_is_read_again_streamed(
    cast, tmp_path, settings, monkeypatch, big_roster
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXCHANGE_READ_IN_CHILD = True
    settings.EXCHANGE_READ_MEMORY_MB = 4 * BUDGET_MB  # both sheets are streamed in the retry
    monkeypatch.setattr(importer, "CHUNK_ROWS", 256)
    monkeypatch.setattr(reader, "CALAMINE_BYTES_PER_XML_BYTE", 0)  # an estimate far too low
    path = big_roster
    assert not any(reader.streams(s) for s in reader.inspect(path))

    real = python_calamine.CalamineWorkbook

    class OutOfMemory:  # calamine running out of the child's memory while it reads a sheet, made certain
        @classmethod
        def from_path(cls, path):
            if not reader._stream_all:  # the first read; the retry streams every sheet
                raise MemoryError
            return real.from_path(path)

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", OutOfMemory)

    record = services.import_upload(user=cast.alice, uploaded_file=upload(path), kind="households")
    record = services.import_preview(record=record)
    assert record.message == ""
    assert (record.status, record.rows_total, record.rows_invalid) == ("previewed", 3 * HOUSEHOLDS, 0)
    assert sandbox.last().paths == {"花名册": "stream", "成员": "stream"}
