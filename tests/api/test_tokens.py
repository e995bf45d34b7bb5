"""Per-unit API tokens: what a township's or a department's system reaches, and when a key stops working."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog
from api.models import ApiToken, hash_key, token_revoke
from tests.api.helpers import bearer, make_token

pytestmark = pytest.mark.django_db


def test_the_key_is_stored_hashed_and_works_once_shown(cast, client):
    token, key = make_token(township=cast.yangkou)
    assert key.startswith("gfp_") and key not in str(ApiToken.objects.filter(pk=token.pk).values().first())
    assert token.key_hash == hash_key(key)
    response = client.get(reverse("api:household_list"), **bearer(key))
    assert response.status_code == 200
    codes = [h["code"] for h in response.json()["results"]]
    assert codes == [cast.alice_household.code]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_of_another_township_reaches_nothing_of_yangkou(cast, client):
    """Hengshan's token: Yangkou's household, member, alert, ledger are 404; its lists hold no Yangkou row."""
    from tests.monitoring.access import _alert, _case

    _token, key = make_token(township=cast.hengshan)
    h = cast.alice_household.pk
    for url in [
        reverse("api:household_detail", kwargs={"household_pk": h}),
        reverse("api:member_identity", kwargs={"household_pk": h, "member_pk": cast.alice_member.pk}),
        reverse("api:ledger_month", kwargs={"household_pk": h, "month": "2026-01"}),
        reverse("api:alert_detail", kwargs={"alert_pk": _alert(cast)}),
        reverse("api:case_detail", kwargs={"case_pk": _case(cast)}),
    ]:
        assert client.get(url, **bearer(key)).status_code == 404, url
    visit = client.post(
        reverse("api:visit_create", kwargs={"household_pk": h}),
        {"visited_on": "2026-01-05", "findings": "x"},
        content_type="application/json",
        **bearer(key),
    )
    assert visit.status_code == 404
    for name in ("api:household_list", "api:alert_list", "api:case_list"):
        body = client.get(reverse(name), **bearer(key)).content.decode()
        assert cast.alice_household.code not in body and cast.alice_household.head_name not in body, name


def test_a_department_token_sees_only_its_own_rosters_and_no_households(cast, client):
    from tests.monitoring.access import _roster

    foreign = _roster(cast)  # a roster of another department
    _token, key = make_token(department=cast.department)
    assert client.get(reverse("api:roster_detail", kwargs={"roster_pk": foreign}), **bearer(key)).status_code == 404
    assert client.get(reverse("api:roster_list"), **bearer(key)).json()["count"] == 0
    households = client.get(reverse("api:household_list"), **bearer(key)).json()
    assert households["count"] == 0  # a bureau sees households only through its measures
    # a bureau's role has no visits or alerts
    assert client.get(reverse("api:alert_list"), **bearer(key)).status_code == 403


@pytest.mark.parametrize("how", ["expired", "revoked", "unknown", "disabled"])
def test_a_key_that_no_longer_works_gets_401(cast, client, how):
    token, key = make_token(township=cast.yangkou)
    if how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif how == "revoked":
        token_revoke(token=token)
    elif how == "unknown":
        key = key[:-4] + "abcd"
    else:
        token.account.is_active = False
        token.account.save()
    response = client.get(reverse("api:household_list"), **bearer(key))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert cast.alice_household.code not in response.content.decode()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"]), response.json()


def test_no_credentials_gets_401_or_403_and_nothing(cast, client):
    response = client.get(reverse("api:household_list"))
    assert response.status_code in (401, 403)
    assert cast.alice_household.code not in response.content.decode()


def test_a_token_without_the_scope_is_refused(cast, client):
    _token, key = make_token(township=cast.yangkou, scopes=["read"])
    response = client.post(
        reverse("api:visit_create", kwargs={"household_pk": cast.alice_household.pk}),
        {"visited_on": "2026-01-05", "findings": "走访"},
        content_type="application/json",
        **bearer(key),
    )
    assert response.status_code == 403
    assert "visits" in response.json()["detail"]
    assert not cast.alice_household.visits.exists()


def test_every_call_is_in_the_access_log(cast, client):
    token, key = make_token(township=cast.yangkou)
    before = AccessLog.objects.count()
    client.get(reverse("api:household_list"), **bearer(key))
    client.get(reverse("api:household_detail", kwargs={"household_pk": cast.bob_household.pk}), **bearer(key))
    token_revoke(token=token)
    client.get(reverse("api:household_list"), **bearer(key))
    logs = list(AccessLog.objects.order_by("pk")[before:])
    assert [log.detail.split(" → ")[1].split()[0] for log in logs] == ["200", "404", "401"]
    assert all(f"token={token.prefix}" in log.detail for log in logs)
    assert logs[0].user == token.account and logs[2].user is None


def test_calls_are_rate_limited(cast, client, settings):
    from copy import deepcopy

    rest = deepcopy(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"]["api_token"] = "3/min"
    settings.REST_FRAMEWORK = rest
    _token, key = make_token(township=cast.yangkou)
    codes = [client.get(reverse("api:household_list"), **bearer(key)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # another unit's token has its own allowance
    _other, other_key = make_token(township=cast.hengshan)
    assert client.get(reverse("api:household_list"), **bearer(other_key)).status_code == 200


def test_the_admin_makes_a_token_and_shows_the_key_once(cast, client_of):
    client = client_of(cast.admin)
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {
            "name": "洋口镇网格系统",
            "township": cast.yangkou.pk,
            "scopes": ["read", "visits"],
            "expires_at_0": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
            "expires_at_1": "00:00:00",
        },
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="洋口镇网格系统")
    shown = [str(m) for m in response.context["messages"]]
    key = next(found.group(0) for m in shown if (found := re.search(r"gfp_[A-Za-z0-9_-]+", m)))
    assert token.key_hash == hash_key(key) and token.scopes == ["read", "visits"]
    assert token.account.townships.get() == cast.yangkou
    page = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert key not in page


def test_the_admin_revokes_a_token_and_its_next_call_gets_401(cast, client_of, client):
    token, key = make_token(township=cast.yangkou)
    assert client.get(reverse("api:household_list"), **bearer(key)).status_code == 200
    admin = client_of(cast.admin)
    assert admin.get(reverse("admin:api_apitoken_add")).status_code == 200
    response = admin.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    # a token is revoked, never deleted: the access log keeps pointing at its account
    assert admin.get(reverse("admin:api_apitoken_delete", args=[token.pk])).status_code == 403
    client.logout()  # (client_of logs the same test client in)
    assert client.get(reverse("api:household_list"), **bearer(key)).status_code == 401


def test_the_admin_refuses_a_token_for_no_unit_or_two(cast, client_of):
    admin = client_of(cast.admin)
    expires = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    for units in ({}, {"township": cast.yangkou.pk, "department": cast.department.pk}):
        response = admin.post(
            reverse("admin:api_apitoken_add"),
            {"name": "系统", "scopes": ["read"], "expires_at_0": expires, "expires_at_1": "00:00:00", **units},
        )
        assert response.status_code == 200  # the form again, with its error
        assert "二者选一" in response.content.decode()
    assert not ApiToken.objects.exists()
