"""A screening run whose worker died is marked interrupted by the next run, which takes over."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Alert, ScreeningRun
from monitoring.runs import runs_take_over
from monitoring.screening import screen

from .helpers import AS_OF, give_ledger, household, thresholds

pytestmark = pytest.mark.django_db


def a_run(**fields) -> ScreeningRun:
    return ScreeningRun.objects.create(mode=ScreeningRun.Mode.FULL, as_of=AS_OF, **fields)


def test_the_next_run_marks_a_run_whose_worker_stopped_beating_interrupted_and_screens(cast, settings):
    settings.SCREENING_STALE_SECONDS = 120
    thresholds()
    poor = household(cast.yangkou)
    give_ledger(poor, monthly_income=1500)
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    dead = a_run(started_at=long_ago, heartbeat_at=long_ago + datetime.timedelta(seconds=30))
    alive = a_run(started_at=long_ago, heartbeat_at=timezone.now())  # a long run, still beating
    run = screen(as_of=AS_OF)
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == ScreeningRun.Status.INTERRUPTED and dead.finished_at is not None
    assert "No sign of life" in dead.error
    assert alive.status == ScreeningRun.Status.RUNNING
    # The interrupted run is not a basis for the next incremental run: this one screened everything.
    assert run.status == ScreeningRun.Status.FINISHED and run.mode == ScreeningRun.Mode.FULL
    assert Alert.objects.filter(household=poor, rule=Alert.Rule.INCOME_LOW).count() == 1


def test_a_run_records_its_heartbeat_and_a_run_that_never_beat_is_stale_from_its_start(cast, settings):
    settings.SCREENING_STALE_SECONDS = 120
    thresholds()
    run = screen(as_of=AS_OF)
    assert run.heartbeat_at is not None and run.heartbeat_at >= run.started_at
    never = a_run(started_at=timezone.now() - datetime.timedelta(minutes=5))
    fresh = a_run()
    assert runs_take_over() == [never.pk]
    fresh.refresh_from_db()
    assert fresh.status == ScreeningRun.Status.RUNNING


def test_the_thresholds_page_shows_an_interrupted_run(cast, client_of, settings):
    a_run(started_at=timezone.now() - datetime.timedelta(hours=1), status=ScreeningRun.Status.INTERRUPTED)
    page = client_of(cast.admin).get(reverse("monitoring:thresholds_list"))
    assert page.status_code == 200 and "已中断" in page.content.decode()
