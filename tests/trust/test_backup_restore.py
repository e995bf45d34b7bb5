"""A backup restored into an empty database holds every record and every uploaded file."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import AccessLog, User, log_access
from portal.management.backup import row_counts
from relocation.models import Household, Member


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = settings.MEDIA_ROOT / "hazards" / "2026" / "photo.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8 a photo of a cracked wall \xff\xd9")
    return photo


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_into_an_empty_database(cast, media, tmp_path):
    from tests.factories import HouseholdFactory, MemberFactory

    household = HouseholdFactory(township=cast.yangkou, head_name="备份户主", phone="13900001111")
    member = MemberFactory(household=household, name="备份成员")
    member.health = Member.Health.DISABLED
    member.disability_grade = 2
    member.save()  # a second history row
    log_access(cast.alice, AccessLog.Action.UNMASK, member, detail="id_number")
    before = row_counts()
    assert before["relocation.household"] >= 3 and before["relocation.historicalmember"] >= 3

    call_command("backup", output_dir=str(tmp_path / "backups"), verbosity=0)
    (archive,) = (tmp_path / "backups").glob("portal-backup-*.tar")

    # The disaster: every row and every file gone.
    call_command("flush", interactive=False, verbosity=0)
    media.unlink()
    assert not Household.objects.exists() and not User.objects.exists()

    call_command("restore", str(archive), verbosity=0)

    assert row_counts() == before
    restored = Member.objects.get(pk=member.pk)
    assert restored.id_number == member.id_number
    assert restored.household.head_name == "备份户主"
    assert restored.disability_grade == 2
    assert restored.history.count() == member.history.count() == 2
    assert AccessLog.objects.get().user.username == "alice"
    assert User.objects.get(username="alice").check_password("test-pass-2026")
    assert set(User.objects.get(username="alice").townships.values_list("name", flat=True)) == {"洋口镇"}
    assert Path(media).read_bytes() == b"\xff\xd8 a photo of a cracked wall \xff\xd9"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_refuses_to_restore_over_live_data(cast, media, tmp_path):
    call_command("backup", output_dir=str(tmp_path), verbosity=0)
    (archive,) = tmp_path.glob("portal-backup-*.tar")
    with pytest.raises(CommandError, match="empty database"):
        call_command("restore", str(archive), verbosity=0)
    assert Household.objects.count() == 2
