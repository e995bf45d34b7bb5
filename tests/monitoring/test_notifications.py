"""Staff hear of new screening alerts at once: one notification per run, with a link to them; the notice
comes from the alerts nobody was told of yet, so alerts a killed run left are announced by the next."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from monitoring.digest import screening_alerts_notify
from monitoring.models import Alert, ScreeningRun
from monitoring.screening import screen
from notifications.models import Notification

from .helpers import AS_OF, give_ledger, household, thresholds

pytestmark = pytest.mark.django_db


@pytest.fixture
def yearly(cast):
    return thresholds()


def notices():
    return Notification.objects.filter(kind="monitoring.screening")


def poor_household(township, site):
    h = household(township, settlement=site)
    give_ledger(h, monthly_income=1500)  # under the 13,200 yuan warning line for two people
    return h


def test_a_run_notifies_the_staff_of_the_area_once_with_the_count(cast, yearly, django_capture_on_commit_callbacks):
    for _ in range(2):
        poor_household(cast.yangkou, cast.yangkou_site)
    poor_household(cast.hengshan, None)  # Hengshan township, outside its site
    with django_capture_on_commit_callbacks(execute=True):
        run = screen(as_of=AS_OF)
    assert run.alerts_raised == 3
    by_user = {n.user.username: n for n in notices().select_related("user")}
    # Alice (Yangkou) and Carol (the Yangkou site) each hear of two, Bob (Hengshan) of one; Dave's
    # site got none, and the bureau, the head and the unscoped user are not told.
    assert set(by_user) == {"alice", "carol", "bob"}
    assert "2" in by_user["alice"].title and "2" in by_user["carol"].title
    assert "1" in by_user["bob"].title
    assert parse_qs(urlparse(by_user["alice"].url).query) == {"run": [str(run.pk)]}
    # Told once, however often the notice is sent again (a retried task): the run is marked told.
    assert screening_alerts_notify(run=run) == 0
    run.refresh_from_db()
    assert run.notified_at is not None
    assert notices().count() == 3


def test_a_run_that_raises_nothing_notifies_nobody(cast, yearly, django_capture_on_commit_callbacks):
    poor_household(cast.yangkou, cast.yangkou_site)
    with django_capture_on_commit_callbacks(execute=True):
        screen(as_of=AS_OF)
        second = screen(as_of=AS_OF, full=True)
    assert second.alerts_raised == 0
    assert notices().filter(url__contains=f"run={second.pk}").count() == 0
    assert notices().count() == 2  # Alice and Carol, for the first run only


def test_the_link_shows_that_runs_alerts_in_the_users_scope(
    cast, yearly, client_of, django_capture_on_commit_callbacks
):
    earlier = poor_household(cast.yangkou, cast.yangkou_site)
    with django_capture_on_commit_callbacks(execute=True):
        first = screen(as_of=AS_OF)
    later = poor_household(cast.yangkou, cast.yangkou_site)
    poor_household(cast.hengshan, cast.hengshan_site)
    with django_capture_on_commit_callbacks(execute=True):
        second = screen(as_of=AS_OF)
    assert first.pk != second.pk
    url = notices().get(user=cast.alice, url__contains=f"run={second.pk}").url
    response = client_of(cast.alice).get(url)
    assert response.status_code == 200
    shown = {a.household_id for a in response.context["alerts"]}
    assert shown == {later.pk}  # not the earlier run's alert, not Hengshan's
    assert Alert.objects.filter(household=earlier).exists()
    # Without the filter the queue holds both runs' alerts.
    everything = client_of(cast.alice).get(reverse("monitoring:alert_list")).context["alerts"]
    assert {a.household_id for a in everything} == {earlier.pk, later.pk}


def test_alerts_a_killed_run_left_are_announced_by_the_next_run(cast, yearly, django_capture_on_commit_callbacks):
    """The killed run's statement committed its alerts after the worker died: nobody was told; the
    next run raises nothing new itself, yet announces them (once), linking to the queue."""
    for _ in range(2):
        poor_household(cast.yangkou, cast.yangkou_site)
    killed = screen(as_of=AS_OF)  # its notice never ran: its worker was gone before the commit hook
    assert Alert.objects.count() == 2 and killed.notified_at is None and not notices().exists()
    with django_capture_on_commit_callbacks(execute=True):
        second = screen(as_of=AS_OF, full=True)
    assert second.alerts_raised == 0
    alice = notices().get(user=cast.alice)
    assert "2" in alice.title and alice.url == reverse("monitoring:alert_list")
    assert not ScreeningRun.objects.filter(notified_at__isnull=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        screen(as_of=AS_OF, full=True)
    assert notices().filter(user=cast.alice).count() == 1


def test_a_run_still_running_is_left_to_its_own_notice(cast, yearly, django_capture_on_commit_callbacks):
    """Another worker's run that is still running (its statement not committed, or committed a moment
    ago) is not announced by a run that ends first: its alerts come with its own notice, counted once."""
    from django.utils import timezone

    running = ScreeningRun.objects.create(
        mode=ScreeningRun.Mode.FULL, as_of=AS_OF, heartbeat_at=timezone.now(), started_at=timezone.now()
    )
    theirs = poor_household(cast.yangkou, cast.yangkou_site)
    Alert.objects.create(household=theirs, rule="income_low", period=AS_OF, source=Alert.Source.SCREENING)
    poor_household(cast.yangkou, cast.yangkou_site)
    with django_capture_on_commit_callbacks(execute=True):
        ours = screen(as_of=AS_OF)
    assert ours.alerts_raised == 2  # one for each household (the other run's alert is of another period)
    title = notices().get(user=cast.alice).title
    assert "2" in title and "3" not in title
    running.refresh_from_db()
    assert running.notified_at is None
    # The other run ends and sends its notice: its one alert, not ours again.
    ScreeningRun.objects.filter(pk=running.pk).update(status=ScreeningRun.Status.FINISHED, finished_at=ours.started_at)
    running.refresh_from_db()
    assert screening_alerts_notify(run=running) >= 1
    told = [n.title for n in notices().filter(user=cast.alice).order_by("pk")]
    assert len(told) == 2 and "1" in told[1]
