"""Writes through the API go through the pages' services: the same rules, the same results."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Alert, LedgerEntry, MonitoringCase, Visit
from tests.api.helpers import bearer, make_token
from tests.monitoring.helpers import thresholds

pytestmark = pytest.mark.django_db


def _post(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def test_a_visit_is_recorded_through_the_visit_service(cast, client):
    thresholds(timezone.localdate().year)
    token, key = make_token(township=cast.yangkou, scopes=["visits"])
    today = timezone.localdate()
    response = _post(
        client,
        reverse("api:visit_create", kwargs={"household_pk": cast.alice_household.pk}),
        {"visited_on": today.isoformat(), "findings": "家中正常，孩子在校", "member_employment": {
            str(cast.alice_member.pk): "local"}},
        **bearer(key),
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    visit = Visit.objects.get()
    assert visit.recorded_by == token.account and token.account in visit.visitors.all()
    assert visit.next_visit_on > today  # the service's default interval
    cast.alice_member.refresh_from_db()
    assert cast.alice_member.employment == "local"


def test_a_visit_in_the_future_is_refused_by_the_services_rule(cast, client_of):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _post(
        client_of(cast.alice),
        reverse("api:visit_create", kwargs={"household_pk": cast.alice_household.pk}),
        {"visited_on": tomorrow.isoformat(), "findings": "x"},
    )
    assert response.status_code == 400
    from django.utils import translation

    with translation.override("zh-hans"):
        expected = translation.gettext("The visit date cannot be in the future.")
    assert expected != "The visit date cannot be in the future."
    assert response.json()["errors"]["visited_on"] == [expected]
    assert not Visit.objects.exists()


def test_a_ledger_month_is_saved_and_a_stale_version_is_refused(cast, client_of):
    client = client_of(cast.alice)
    put = lambda data: client.put(url, data, content_type="application/json")  # noqa: E731
    url = reverse("api:ledger_month", kwargs={"household_pk": cast.alice_household.pk, "month": "2026-01"})
    fresh = client.get(url).json()
    assert fresh["exists"] is False and fresh["version"] == ""
    saved = client.put(
        url, {"version": "", "wage_income": "3000", "medical_expense": "200"}, content_type="application/json"
    )
    assert saved.status_code == 200, saved.json()
    entry = LedgerEntry.objects.get(household=cast.alice_household, period=datetime.date(2026, 1, 1))
    assert entry.wage_income == 3000 and entry.recorded_by == cast.alice
    # somebody else (or another system) read "" too, and saves after: refused, nothing written
    stale = put({"version": "", "wage_income": "1"})
    assert stale.status_code == 409
    assert "2026-01" in stale.json()["detail"] and stale.json()["current"]["version"] == saved.json()["version"]
    entry.refresh_from_db()
    assert entry.wage_income == 3000
    # with the current version it is saved
    again = client.put(
        url, {"version": saved.json()["version"], "wage_income": "3100"}, content_type="application/json"
    )
    assert again.status_code == 200
    entry.refresh_from_db()
    assert entry.wage_income == 3100


def test_an_alert_is_dismissed_through_the_service(cast, client_of):
    from tests.monitoring.access import _alert

    alert_pk = _alert(cast)
    url = reverse("api:alert_dismiss", kwargs={"alert_pk": alert_pk})
    assert _post(client_of(cast.carol), url, {"reason": "x"}).status_code == 403  # site staff do not decide alerts
    missing = _post(client_of(cast.alice), url, {})
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    response = _post(client_of(cast.alice), url, {"reason": "核实：已就业，无风险"})
    assert response.status_code == 200
    alert = Alert.objects.get(pk=alert_pk)
    assert alert.status == Alert.Status.DISMISSED and alert.resolved_by == cast.alice
    again = _post(client_of(cast.alice), url, {"reason": "再次"})
    assert again.status_code == 400  # the service's rule: already dealt with


def test_long_term_tracking_follows_the_services_rule(cast, client_of):
    from tests.monitoring.access import _case

    case_pk = _case(cast)  # identified, not approved
    response = _post(client_of(cast.alice), reverse("api:case_long_term", kwargs={"case_pk": case_pk}), {"note": "x"})
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]
    assert MonitoringCase.objects.get(pk=case_pk).status == MonitoringCase.Status.IDENTIFIED


def test_a_progress_report_is_filed_for_the_units_own_task(cast, client):
    from assistance.models import PolicyTask, ProgressReport, TaskAssignment

    task = PolicyTask.objects.get(code="3.4")
    TaskAssignment.objects.get_or_create(task=task, township=cast.yangkou)
    url = reverse("api:report_create", kwargs={"task_pk": task.pk})
    body = {"period": timezone.localdate().isoformat(), "text": "本季度以工代赈项目开工 2 个"}
    _hengshan, other_key = make_token(township=cast.hengshan, scopes=["reports"])
    assert _post(client, url, body, **bearer(other_key)).status_code == 404
    token, key = make_token(township=cast.yangkou, scopes=["reports"])
    response = _post(client, url, body, **bearer(key))
    assert response.status_code == 201, response.json()
    report = ProgressReport.objects.get()
    assert report.submitted_by == token.account and report.assignment.township == cast.yangkou
    # the service's rule: a period already reported is not filed twice
    assert _post(client, url, body, **bearer(key)).status_code == 400
