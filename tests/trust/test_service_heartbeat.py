"""The administrator sees when the background worker and beat last reported, in red when stale."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.heartbeat import heartbeat_record, service_statuses
from portal.models import ServiceHeartbeat


def panel(client):
    page = client.get(reverse("dashboards:overview"))
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.django_db
def test_the_admin_sees_each_service_red_until_it_reports_and_red_again_when_it_stops(cast, client_of, settings):
    settings.SERVICE_STALE_SECONDS = 180
    admin = client_of(cast.admin)
    html = panel(admin)
    assert 'id="service-status"' in html and "后台服务" in html
    assert html.count('data-stale="1"') == 2 and "从未报告" in html

    heartbeat_record("worker", host="app-1")
    heartbeat_record("beat", host="app-1")
    html = panel(admin)
    assert html.count('data-stale="0"') == 2 and 'data-stale="1"' not in html and "app-1" in html

    # The worker died four minutes ago; beat still ticks.
    ServiceHeartbeat.objects.filter(service="worker").update(seen_at=timezone.now() - datetime.timedelta(minutes=4))
    html = panel(admin)
    assert 'data-service="worker" data-stale="1"' in html and 'data-service="beat" data-stale="0"' in html


@pytest.mark.django_db
def test_a_report_updates_the_same_row_and_keeps_the_start_time(cast):
    started = timezone.now() - datetime.timedelta(hours=1)
    heartbeat_record("worker", host="app-1", started_at=started)
    heartbeat_record("worker", host="app-1", started_at=started)
    (row,) = ServiceHeartbeat.objects.all()
    assert row.started_at == started and row.seen_at > started
    (worker,) = [s for s in service_statuses() if s.service == "worker"]
    assert not worker.stale


@pytest.mark.django_db
def test_only_the_administrator_sees_the_services(cast, client_of):
    assert 'id="service-status"' not in panel(client_of(cast.frank))
