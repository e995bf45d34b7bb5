"""Uploaded workbooks hold ID numbers and phones: they are deleted IMPORT_FILES_KEEP_DAYS after the
import's last step, while the record of what was imported stays."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from exchange import services
from exchange.models import ImportRecord
from tests.exchange.workbooks import HOUSEHOLD_HEADER, build, household_row, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_FILES_KEEP_DAYS = 30


def checked(user, tmp_path, name="book.xlsx", rows=None):
    rows = rows or [household_row("GF-R-1")]
    path = build(tmp_path / name, {"花名册": [HOUSEHOLD_HEADER, *rows]})
    record = services.import_upload(user=user, uploaded_file=upload(path), kind="households")
    return services.import_preview(record=record)


def aged(record, days):
    """Move every step of the record ``days`` into the past."""
    then = timezone.now() - datetime.timedelta(days=days)
    ImportRecord.objects.filter(pk=record.pk).update(
        created_at=then, previewed_at=then if record.previewed_at else None,
        committed_at=then if record.committed_at else None,
    )  # fmt: skip
    return ImportRecord.objects.get(pk=record.pk)


def test_an_old_import_loses_its_file_and_keeps_its_record(
    cast, tmp_path, django_capture_on_commit_callbacks, client_of
):
    old = services.import_commit(record_id=checked(cast.alice, tmp_path).pk, actor=cast.alice)
    old = aged(old, 31)
    recent = checked(cast.alice, tmp_path, "recent.xlsx", [household_row("GF-R-2")])
    old_path, recent_path = Path(old.file.path), Path(recent.file.path)
    assert old_path.exists() and recent_path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge_old_files() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and not old_path.exists()
    assert not Path(f"{old_path}.rows").exists()
    assert old.status == ImportRecord.Status.COMMITTED and old.file_sha256 and old.rows_new == 1
    assert recent.file and recent_path.exists()  # 0 days old: kept

    page = client_of(cast.alice).get(reverse("exchange:import_detail", kwargs={"record_pk": old.pk}))
    assert "已删除" in page.content.decode()
    page = client_of(cast.alice).get(reverse("exchange:import_detail", kwargs={"record_pk": recent.pk}))
    assert "保留至" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge_old_files() == 0  # again: nothing left to do


def test_a_checked_import_whose_file_went_cannot_be_confirmed_and_says_why(cast, tmp_path, client_of):
    record = aged(checked(cast.alice, tmp_path), 40)
    services.purge_old_files()
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.PREVIEWED and not record.can_commit
    with pytest.raises(services.ImportBlocked, match="上传的文件已不在服务器上"):
        services.import_start_commit(record=record, actor=cast.alice)
    page = (
        client_of(cast.alice).get(reverse("exchange:import_detail", kwargs={"record_pk": record.pk})).content.decode()
    )
    assert reverse("exchange:import_confirm", kwargs={"record_pk": record.pk}) not in page


def test_the_invalid_rows_cannot_be_downloaded_once_the_file_went(cast, tmp_path, client_of):
    bad = household_row("GF-R-3")
    bad[3] = "不存在镇"
    record = aged(checked(cast.alice, tmp_path, rows=[bad]), 31)
    assert record.errors
    client = client_of(cast.alice)
    errors_url = reverse("exchange:import_errors", kwargs={"record_pk": record.pk})
    assert client.get(errors_url).status_code == 200
    services.purge_old_files()
    assert client.get(errors_url).status_code == 404
    page = client.get(reverse("exchange:import_detail", kwargs={"record_pk": record.pk})).content.decode()
    assert errors_url not in page


def test_a_running_import_keeps_its_file(cast, tmp_path):
    record = aged(checked(cast.alice, tmp_path), 60)
    ImportRecord.objects.filter(pk=record.pk).update(status=ImportRecord.Status.COMMITTING)
    assert services.purge_old_files() == 0
    assert Path(ImportRecord.objects.get(pk=record.pk).file.path).exists()


@pytest.mark.django_db(transaction=True)  # the migration-seeded schedule, restored after other tests' flushes
def test_the_deletion_runs_every_night(cast):
    from django_celery_beat.models import PeriodicTask

    from exchange.tasks import purge_old_files

    assert PeriodicTask.objects.filter(task="exchange.purge_old_files", enabled=True).exists()
    assert purge_old_files() == 0
