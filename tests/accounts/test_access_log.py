"""Each unmasking is logged; the log is readable by administrators and editable by nobody."""

import pytest
from django.urls import reverse

from accounts.models import AccessLog, log_access


def identity_url(cast):
    return reverse("relocation:member_identity", args=[cast.alice_household.pk, cast.alice_member.pk])


def test_unmasking_an_id_number_writes_an_access_record(cast, client_of):
    cast.alice.user_permissions.add(*_personal_data_permission())
    response = client_of(cast.alice).get(identity_url(cast))
    assert response.status_code == 200
    assert cast.alice_member.id_number in response.content.decode()
    record = AccessLog.objects.get()
    assert record.user == cast.alice
    assert record.action == AccessLog.Action.UNMASK
    assert record.object_id == str(cast.alice_member.pk)
    assert record.at is not None


def test_staff_without_the_permission_see_no_number_and_leave_no_record(cast, client_of):
    # Heads read district-wide, but full numbers stay masked for them.
    response = client_of(cast.frank).get(identity_url(cast))
    assert response.status_code == 403
    assert cast.alice_member.id_number not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_the_household_page_shows_masked_numbers_only(cast, client_of):
    body = client_of(cast.alice).get(reverse("relocation:household_detail", args=[cast.alice_household.pk]))
    text = body.content.decode()
    assert cast.alice_member.id_number not in text
    assert cast.alice_member.id_number[:4] in text


def test_an_access_record_cannot_be_changed_or_deleted(cast):
    record = log_access(cast.alice, AccessLog.Action.EXPORT, object_type="household", rows=3)
    record.rows = 0
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.filter(pk=record.pk).update(rows=0)
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get(pk=record.pk).rows == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_refuses_changes_on_postgresql(django_db_blocker):
    from django.db import DatabaseError, connection

    from tests.factories import UserFactory

    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only; the model guard is tested above")
    user = UserFactory()
    record = log_access(user, AccessLog.Action.EXPORT, object_type="household", rows=3)
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_accesslog SET rows = 0 WHERE id = %s", [record.pk])
    # Deleting the account keeps the record, without its user.
    user.delete()
    assert AccessLog.objects.get(pk=record.pk).user_id is None


def test_administrators_read_the_log_and_cannot_edit_it(cast, client_of):
    record = log_access(cast.alice, AccessLog.Action.UNMASK, cast.alice_member, detail="id_number")
    client = client_of(cast.admin)
    listing = client.get(reverse("admin:accounts_accesslog_changelist"))
    assert listing.status_code == 200
    assert "周爱丽" in listing.content.decode()
    assert client.get(reverse("admin:accounts_accesslog_add")).status_code == 403
    assert client.post(reverse("admin:accounts_accesslog_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:accounts_accesslog_change", args=[record.pk]), {"rows": 99, "detail": "x"})
    assert AccessLog.objects.get(pk=record.pk).detail == "id_number"


def test_staff_cannot_read_the_log(cast, client_of):
    # A signed-in non-administrator gets the 403 page on the admin site, not a login redirect loop.
    assert client_of(cast.frank).get(reverse("admin:accounts_accesslog_changelist")).status_code == 403


def _personal_data_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename="view_personal_data")
