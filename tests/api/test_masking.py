"""Masking through the API is the pages' masking: full numbers only through the logged identity endpoint."""

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from tests.api.helpers import bearer, make_token

pytestmark = pytest.mark.django_db


def _detail_url(cast):
    return reverse("api:household_detail", kwargs={"household_pk": cast.alice_household.pk})


def _identity_url(cast):
    return reverse(
        "api:member_identity", kwargs={"household_pk": cast.alice_household.pk, "member_pk": cast.alice_member.pk}
    )


@pytest.mark.parametrize("who", ["alice", "carol", "frank", "admin"])
def test_reads_never_carry_full_numbers_whatever_the_role(cast, client_of, who):
    member = cast.alice_member
    body = client_of(getattr(cast, who)).get(_detail_url(cast)).content.decode()
    assert member.name in body
    assert member.id_number not in body and member.phone not in body
    assert member.id_number[:4] + "*" * 10 + member.id_number[-4:] in body


def test_a_member_reads_masked(cast, client_of):
    url = reverse(
        "api:member_detail", kwargs={"household_pk": cast.alice_household.pk, "member_pk": cast.alice_member.pk}
    )
    data = client_of(cast.alice).get(url).json()
    assert data["name"] == cast.alice_member.name
    assert data["id_number"] != cast.alice_member.id_number and data["id_number"].endswith(
        cast.alice_member.id_number[-4:]
    )
    wrong = reverse(
        "api:member_detail", kwargs={"household_pk": cast.bob_household.pk, "member_pk": cast.alice_member.pk}
    )
    assert client_of(cast.alice).get(wrong).status_code == 404  # the member is looked up within its household


@pytest.mark.parametrize(("who", "allowed"), [("alice", True), ("carol", True), ("frank", False)])
def test_the_identity_endpoint_follows_the_role_and_is_logged(cast, client_of, who, allowed):
    user = getattr(cast, who)
    before = AccessLog.objects.filter(action=AccessLog.Action.UNMASK, object_id=str(cast.alice_member.pk)).count()
    response = client_of(user).get(_identity_url(cast))
    unmasked = AccessLog.objects.filter(action=AccessLog.Action.UNMASK, object_id=str(cast.alice_member.pk))
    if allowed:
        assert response.status_code == 200
        assert response.json()["id_number"] == cast.alice_member.id_number
        assert unmasked.count() == before + 1 and unmasked.first().user == user
    else:
        assert response.status_code == 403  # a head reads, masked (relocation/permissions.py)
        assert cast.alice_member.id_number not in response.content.decode()
        assert unmasked.count() == before


def test_a_token_unmasks_only_with_the_personal_scope_and_each_look_is_logged(cast, client):
    _plain, plain_key = make_token(township=cast.yangkou, scopes=["read"])
    response = client.get(_identity_url(cast), **bearer(plain_key))
    assert response.status_code == 403
    assert cast.alice_member.id_number not in response.content.decode()

    token, key = make_token(township=cast.yangkou, scopes=["read", "personal"])
    assert client.get(_detail_url(cast), **bearer(key)).content.decode().count(cast.alice_member.id_number) == 0
    response = client.get(_identity_url(cast), **bearer(key))
    assert response.json()["id_number"] == cast.alice_member.id_number
    log = AccessLog.objects.filter(action=AccessLog.Action.UNMASK, object_id=str(cast.alice_member.pk)).get()
    assert log.user == token.account


def test_a_bureau_token_with_the_personal_scope_still_gets_no_full_numbers(cast, client):
    """The scope does not lift the role's rule: bureau staff never see full numbers (relocation/permissions.py)."""
    from assistance.models import Measure
    from tests.assistance.access import _plan

    Measure.objects.create(
        plan=_plan(cast), household=cast.alice_household, description="人社局就业帮扶", measure_type="relief",
        department=cast.department, cadre="张三",
    )  # fmt: skip
    _token, key = make_token(department=cast.department, scopes=["read", "personal"])
    assert client.get(_detail_url(cast), **bearer(key)).status_code == 200  # the bureau does see the household
    response = client.get(_identity_url(cast), **bearer(key))
    assert response.status_code == 403
    assert cast.alice_member.id_number not in response.content.decode()
