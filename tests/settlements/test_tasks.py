import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from notifications.models import Notification
from settlements import services, tasks
from settlements.models import ResidentRequest, SafetyHazard
from tests.settlements.factories import HazardFactory, RequestFactory, days_ago

pytestmark = pytest.mark.django_db


def test_an_overdue_hazard_is_flagged_and_notified_once(cast):
    hazard = HazardFactory(settlement=cast.yangkou_site, found_on=days_ago(20), deadline=days_ago(1))
    on_time = HazardFactory(settlement=cast.yangkou_site, found_on=days_ago(20), deadline=days_ago(-1))

    first = tasks.flag_overdue_hazards.delay().get()
    second = tasks.flag_overdue_hazards.delay().get()

    assert first["flagged"] == 1 and second["flagged"] == 0
    hazard.refresh_from_db()
    on_time.refresh_from_db()
    assert hazard.overdue_since is not None and on_time.overdue_since is None
    notified = Notification.objects.filter(kind="hazard_overdue")
    # Alice (township) and Carol (site) keep Yangkou's ledgers; Bob and Dave hear nothing of it.
    assert sorted(notified.values_list("user__username", flat=True)) == ["alice", "carol"]


def test_a_rectified_hazard_is_cleared(cast):
    hazard = HazardFactory(settlement=cast.yangkou_site, found_on=days_ago(20), deadline=days_ago(1))
    services.hazards_flag_overdue()
    # A flag set by the job and then the hazard rectified some other way (the admin): the job clears it.
    SafetyHazard.objects.filter(pk=hazard.pk).update(rectified_on=days_ago(0))

    result = services.hazards_flag_overdue()

    hazard.refresh_from_db()
    assert result["cleared"] == 1 and hazard.overdue_since is None
    assert not SafetyHazard.objects.overdue().exists()


def test_rectifying_clears_the_flag_at_once(cast):
    hazard = HazardFactory(settlement=cast.yangkou_site, found_on=days_ago(20), deadline=days_ago(1))
    services.hazards_flag_overdue()
    services.hazard_rectify(hazard=hazard, rectified_on=days_ago(0), rectification="已清理通道", actor=cast.carol)
    hazard.refresh_from_db()
    assert hazard.overdue_since is None


def test_an_overdue_request_notifies_the_site_and_the_assigned_department_once(cast):
    item = RequestFactory(
        settlement=cast.yangkou_site,
        received_on=days_ago(10),
        deadline=days_ago(2),
        assigned_department=cast.department,
        status=ResidentRequest.Status.ASSIGNED,
    )
    services.requests_flag_overdue()
    services.requests_flag_overdue()

    users = sorted(Notification.objects.filter(kind="request_overdue").values_list("user__username", flat=True))
    assert users == ["alice", "carol", "erin"]

    services.request_answer(resident_request=item, answer="已处理", answered_on=days_ago(0), actor=cast.erin)
    item.refresh_from_db()
    assert item.overdue_since is None
    assert services.requests_flag_overdue()["flagged"] == 0


def test_the_command_runs_both_jobs(cast, capsys):
    HazardFactory(settlement=cast.hengshan_site, found_on=days_ago(20), deadline=days_ago(1))
    call_command("flag_overdue_ledgers")
    assert "hazards: 1 flagged" in capsys.readouterr().out


def test_the_jobs_have_a_default_schedule_an_administrator_can_edit():
    tasks_scheduled = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"settlements.flag_overdue_hazards", "settlements.flag_overdue_requests"} <= tasks_scheduled
