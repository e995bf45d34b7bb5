"""The reader converts a sheet a chunk of rows at a time and hands each chunk to the web process as
it goes (exchange.importer.CHUNK_ROWS, exchange.sandbox.emit): what staff see must not depend on
where a chunk ends. The chunk is made a few rows long here so that a small workbook spans many."""

import pytest

from exchange import importer, sandbox, services
from relocation.models import Household, Member
from tests.exchange.workbooks import HOUSEHOLD_HEADER, MEMBER_HEADER, build, household_row, member_row, upload


@pytest.fixture(autouse=True)
def small_chunks(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(importer, "CHUNK_ROWS", 4)


def preview(user, path):
    record = services.import_upload(user=user, uploaded_file=upload(path), kind="households")
    return services.import_preview(record=record)


def roster(tmp_path, households: int, members_each: int = 2, *, blank_after: int | None = None):
    house_rows = [HOUSEHOLD_HEADER] + [household_row(f"GF-S-{i:03d}") for i in range(households)]
    member_rows = [MEMBER_HEADER]
    for i in range(households):
        for k in range(members_each):
            member_rows.append(member_row(f"GF-S-{i:03d}", name=f"成员{i}-{k}", relation="户主" if k == 0 else "配偶"))
    if blank_after is not None:
        member_rows.insert(blank_after, [None] * len(MEMBER_HEADER))
    return house_rows, member_rows


@pytest.mark.django_db
@pytest.mark.parametrize("in_child", [True, False])
def test_a_roster_read_in_many_chunks_commits_every_row(cast, tmp_path, settings, in_child):
    settings.EXCHANGE_READ_IN_CHILD = in_child
    house_rows, member_rows = roster(tmp_path, 9, blank_after=6)
    path = build(tmp_path / "roster.xlsx", {"花名册": house_rows, "成员": member_rows})
    record = preview(cast.alice, path)
    assert record.message == ""
    assert (record.status, record.rows_total, record.rows_new, record.rows_invalid) == ("previewed", 27, 27, 0)
    if in_child:
        assert sandbox.last().outcome == "ok"
    services.import_commit(record_id=record.pk, actor=cast.alice)
    assert Household.objects.filter(code__startswith="GF-S-").count() == 9
    assert Member.objects.filter(household__code__startswith="GF-S-").count() == 18
    names = set(Member.objects.filter(household__code="GF-S-008").values_list("name", flat=True))
    assert names == {"成员8-0", "成员8-1"}


@pytest.mark.django_db
def test_errors_in_later_chunks_name_their_own_excel_rows(cast, tmp_path):
    house_rows, member_rows = roster(tmp_path, 6, blank_after=5)
    # Excel rows (the header is row 1; a blank row was put at Excel row 6): bad cells in rows 4, 9 and 13.
    member_rows[3][2] = "12345"  # not an ID number
    member_rows[8][5] = "也许"  # 就业意愿 is 是 or 否
    member_rows[12][2] = None  # a required cell left empty
    path = build(tmp_path / "roster.xlsx", {"花名册": house_rows, "成员": member_rows})
    record = preview(cast.alice, path)
    assert [(e["sheet"], e["row"], e["column"]) for e in record.errors] == [
        ("成员", 4, "身份证号码"),
        ("成员", 9, "就业意愿"),
        ("成员", 13, "身份证号码"),
    ]
    assert record.rows_invalid == 3 and record.rows_total == 18
