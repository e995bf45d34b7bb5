"""Bad input: a 4xx with a Chinese message per field, and nothing written (issue 18, "Bad input")."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import DepartmentRoster, Visit
from tests.api.helpers import bearer, make_token

pytestmark = pytest.mark.django_db


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture
def visit_url(cast):
    return reverse("api:visit_create", kwargs={"household_pk": cast.alice_household.pk})


@pytest.fixture
def alice(cast, client_of):
    return client_of(cast.alice)


def test_malformed_json(alice, visit_url):
    response = alice.post(visit_url, '{"visited_on": "2026-01-05", "findings": ', content_type="application/json")
    assert response.status_code == 400
    assert _chinese(response.json()["detail"]) and "JSON" in response.json()["detail"]
    assert not Visit.objects.exists()


def test_a_body_that_is_not_an_object(alice, visit_url):
    response = alice.post(visit_url, "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert _chinese(response.json()["errors"]["non_field_errors"][0])


def test_not_json_at_all(alice, visit_url):
    response = alice.post(visit_url, {"visited_on": "2026-01-05", "findings": "x"})  # a form post
    assert response.status_code == 415
    assert _chinese(response.json()["detail"])
    assert not Visit.objects.exists()


def test_wrong_types_get_a_chinese_message_per_field(alice, visit_url):
    response = alice.post(
        visit_url,
        {"visited_on": "昨天", "findings": ["列表"], "member_employment": "全部就业"},
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"visited_on", "findings", "member_employment"}
    assert all(_chinese(m) for messages in errors.values() for m in messages), errors
    assert not Visit.objects.exists()


def test_unknown_fields_are_refused_not_ignored(alice, visit_url, cast):
    body = {"visited_on": timezone.localdate().isoformat(), "findings": "正常", "household": cast.bob_household.pk}
    response = alice.post(visit_url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"household": ["未知字段，不予接受。"]}
    assert not Visit.objects.exists()


def test_an_unknown_field_in_a_roster_row_refuses_the_whole_roster(cast, client):
    _token, key = make_token(department=cast.department, scopes=["rosters"])
    rows = [{"id_number": cast.alice_member.id_number}, {"id_number": cast.bob_member.id_number, "phone": "1"}]
    response = client.post(
        reverse("api:roster_list"),
        {"title": "名单", "fact": "disability", "period": "2026-01-31", "rows": rows},
        content_type="application/json",
        **bearer(key),
    )
    assert response.status_code == 400
    assert response.json()["errors"]["rows"]["1"] == {"phone": ["未知字段，不予接受。"]}
    assert not DepartmentRoster.objects.exists()


def test_a_body_over_the_limit_is_refused(alice, visit_url, settings):
    big = json.dumps({"visited_on": "2026-01-05", "findings": "很" * (11 * 1024 * 1024 // 3)})
    assert len(big.encode()) > 10 * 1024 * 1024
    response = alice.post(visit_url, big, content_type="application/json")
    assert response.status_code == 413
    assert _chinese(response.json()["detail"]) and "MB" in response.json()["detail"]
    assert not Visit.objects.exists()


def test_a_household_outside_the_scope_is_404_and_nothing_is_written(cast, client_of):
    url = reverse("api:visit_create", kwargs={"household_pk": cast.bob_household.pk})
    body = {"visited_on": timezone.localdate().isoformat(), "findings": "正常"}
    response = client_of(cast.alice).post(url, body, content_type="application/json")
    assert response.status_code == 404
    assert _chinese(response.json()["detail"])
    assert not Visit.objects.exists()


def test_a_member_of_another_household_is_refused(cast, alice, visit_url):
    body = {
        "visited_on": timezone.localdate().isoformat(),
        "findings": "正常",
        "member_employment": {str(cast.bob_member.pk): "local"},
    }
    response = alice.post(visit_url, body, content_type="application/json")
    assert response.status_code == 400
    assert "member_employment" in response.json()["errors"]
    assert not Visit.objects.exists()


def test_a_bad_month_in_the_ledger_url(cast, alice):
    url = reverse("api:ledger_month", kwargs={"household_pk": cast.alice_household.pk, "month": "2026-13"})
    response = alice.put(url, {"wage_income": "1"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["month"] == ["月份应写作 YYYY-MM，例如 2026-03。"]


def test_a_negative_amount_in_the_ledger(cast, alice):
    url = reverse("api:ledger_month", kwargs={"household_pk": cast.alice_household.pk, "month": "2026-01"})
    response = alice.put(url, {"wage_income": "-5", "medical_expense": "abc"}, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"wage_income", "medical_expense"}
    assert all(_chinese(m) for messages in errors.values() for m in messages), errors
    assert not cast.alice_household.ledger_entries.exists()


def test_a_date_outside_the_portals_range_is_refused_as_on_the_forms(alice, visit_url):
    """portal.validators.validate_date: 1949 or later, at most ten years ahead, the forms' rule."""
    response = alice.post(visit_url, {"visited_on": "1900-01-01", "findings": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert "1949" in response.json()["errors"]["visited_on"][0]
    assert not Visit.objects.exists()


def test_a_session_write_without_the_csrf_token_is_refused(cast):
    """The portal's own pages write with the session and its CSRF token; a foreign site's form cannot."""
    from django.test import Client

    from tests.auth import force_login

    browser = force_login(Client(enforce_csrf_checks=True), cast.alice)
    url = reverse("api:visit_create", kwargs={"household_pk": cast.alice_household.pk})
    body = {"visited_on": timezone.localdate().isoformat(), "findings": "正常"}
    response = browser.post(url, body, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert not Visit.objects.exists()
    # The portal's scripts send the CSRF cookie's value back in the X-CSRFToken header: then it is recorded.
    from django.conf import settings

    from monitoring.models import Thresholds

    if not Thresholds.for_date(timezone.localdate()):
        from tests.monitoring.helpers import thresholds

        thresholds(timezone.localdate().year)
    secret = "k" * 32
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = browser.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201, response.json()
