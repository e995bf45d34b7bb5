"""The commit reuses the rows its preview parsed, and still checks the database again."""

from pathlib import Path
from unittest import mock

import pytest

from exchange import importer, parsed, services
from exchange.models import ImportRecord
from relocation.models import Household, Member
from tests.exchange.workbooks import HOUSEHOLD_HEADER, MEMBER_HEADER, build, household_row, member_row, upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def preview(user, path, kind="households"):
    return services.import_preview(record=services.import_upload(user=user, uploaded_file=upload(path), kind=kind))


def stored(record) -> Path:
    return parsed.path_for(record.file.path)


def workbook(tmp_path, code="GF-R-1", id_number=None):
    return build(
        tmp_path / f"{code}.xlsx",
        {"户": [HOUSEHOLD_HEADER, household_row(code)], "成员": [MEMBER_HEADER, member_row(code, id_number)]},
    )


def no_reading(*args, **kwargs):
    raise AssertionError("the workbook was read again")


@pytest.mark.django_db
def test_the_commit_imports_the_rows_the_preview_stored_without_reading_the_file_again(
    cast, tmp_path, django_capture_on_commit_callbacks
):
    record = preview(cast.alice, workbook(tmp_path))
    assert stored(record).exists()
    with mock.patch("exchange.importer.read", no_reading), django_capture_on_commit_callbacks(execute=True):
        record = services.import_commit(record_id=record.pk, actor=cast.alice)
    assert record.status == ImportRecord.Status.COMMITTED and (record.rows_new, record.rows_invalid) == (2, 0)
    household = Household.objects.get(code="GF-R-1")
    assert household.township == cast.yangkou and household.members.count() == 1
    assert not stored(record).exists()  # kept only until the commit


@pytest.mark.django_db
def test_the_commit_checks_the_database_again_and_writes_nothing_when_it_changed(cast, tmp_path):
    number = member_row("x")[2]
    record = preview(cast.alice, workbook(tmp_path, id_number=number))
    assert record.can_commit
    # Meanwhile the ID number is registered in a household of another township.
    Member.objects.create(household=cast.bob_household, name="横山成员", id_number=number, relation="other")
    with mock.patch("exchange.importer.read", no_reading), pytest.raises(services.ImportBlocked):
        services.import_commit(record_id=record.pk, actor=cast.alice)
    assert not Household.objects.filter(code="GF-R-1").exists()
    assert Member.objects.get(id_number=number).household == cast.bob_household


@pytest.mark.django_db
def test_altered_stored_rows_are_ignored_and_the_workbook_is_read_again(cast, tmp_path):
    record = preview(cast.alice, workbook(tmp_path))
    data = bytearray(stored(record).read_bytes())
    data[-40] ^= 0x01  # one bit of the rows, not of the signature
    stored(record).write_bytes(bytes(data))
    with mock.patch("exchange.importer.read", wraps=importer.read) as read:
        record = services.import_commit(record_id=record.pk, actor=cast.alice)
    assert read.called and record.status == ImportRecord.Status.COMMITTED
    assert Household.objects.get(code="GF-R-1").members.count() == 1


@pytest.mark.django_db
def test_rows_stored_for_another_upload_are_not_used(cast, tmp_path):
    first = preview(cast.alice, workbook(tmp_path, code="GF-R-1"))
    second = preview(cast.alice, workbook(tmp_path, code="GF-R-2"))
    # The first upload's rows (validly signed) put in place of the second's.
    stored(second).write_bytes(stored(first).read_bytes())
    services.import_commit(record_id=second.pk, actor=cast.alice)
    assert Household.objects.filter(code="GF-R-2").exists()
    assert not Household.objects.filter(code="GF-R-1").exists()


@pytest.mark.django_db
def test_a_workbook_with_invalid_cells_stores_no_rows_and_a_cancel_deletes_them(cast, tmp_path):
    bad = build(tmp_path / "bad.xlsx", {"户": [HOUSEHOLD_HEADER, household_row("GF-R-3", year="去年")]})
    record = preview(cast.alice, bad)
    assert record.rows_invalid == 1 and not stored(record).exists()
    record = preview(cast.alice, workbook(tmp_path))
    path = stored(record)
    assert path.exists()
    services.import_cancel(record=record)
    assert not path.exists()
