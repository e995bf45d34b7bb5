"""The monitoring demo data: the loop has something in every stage, and seeding again adds nothing."""

import io

import pytest
from django.utils import timezone

from monitoring.demo import ROSTER_TITLE, seed_demo_data
from monitoring.models import (
    Alert,
    Application,
    CaseStep,
    DepartmentRoster,
    LedgerEntry,
    MonitoringCase,
    Objection,
    ObjectionOffice,
    PublicNotice,
    RosterRow,
    ScreeningRun,
    Visit,
)
from notifications.models import Notification
from relocation import demo as households_demo
from relocation.models import Household

from .helpers import thresholds

pytestmark = pytest.mark.django_db

COUNTED = [LedgerEntry, LedgerEntry.history.model, Visit, Alert, Application, DepartmentRoster, RosterRow,
           MonitoringCase, MonitoringCase.history.model, ScreeningRun, Notification, CaseStep, PublicNotice,
           Objection]  # fmt: skip


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def district():
    thresholds(year=timezone.localdate().year)
    households_demo.create_households(120, with_history=False)
    households_demo.ensure_demo_users()


def test_demo_fills_every_stage_of_the_loop(district):
    out = io.StringIO()
    seed_demo_data(out)
    today = timezone.localdate()
    with_members = Household.objects.filter(members__isnull=False).distinct().count()
    assert LedgerEntry.objects.count() == 12 * with_members
    assert LedgerEntry.objects.filter(period__gte=today.replace(day=1)).count() == 0  # no month in the future
    rules = set(Alert.objects.values_list("rule", flat=True))
    assert {"income_low", "self_application", "roster_hit"} <= rules
    assert "visit_overdue" not in rules  # overdue visits are a work list, not alerts
    assert Alert.objects.open().exists()
    assert Visit.objects.filter(next_visit_on__lt=today).exists()  # some visits overdue
    assert Visit.objects.filter(next_visit_on__gte=today).exists()  # and some not
    assert set(MonitoringCase.objects.values_list("object_type", flat=True)) == set(MonitoringCase.ObjectType.values)
    # Cases at several steps of the procedure: one confirmed, one waiting on its notice, one with an objection.
    assert MonitoringCase.objects.filter(status=MonitoringCase.Status.APPROVED).count() == 1
    next_steps = set(MonitoringCase.objects.values_list("next_step", flat=True))
    assert {"household_check", "cross_check", "notice"} <= next_steps
    waiting = MonitoringCase.objects.filter(next_step="notice")
    assert waiting.filter(notices__isnull=True).exists()  # waiting for its notice to be drawn up
    assert Objection.objects.filter(resolved_on__isnull=True).exists()
    assert PublicNotice.objects.filter(taken_down_on__isnull=True).exists()
    # The fast lane only for a 突发严重困难户; notices take the office the administrator set for 洋口镇.
    fast = MonitoringCase.objects.filter(fast_lane=True)
    assert fast.exists() and set(fast.values_list("object_type", flat=True)) == {"sudden"}
    assert set(PublicNotice.objects.values_list("office", flat=True)) == {"洋口镇防返贫监测工作站（示例）"}
    assert ObjectionOffice.objects.filter(township=None).exists()
    roster = DepartmentRoster.objects.get(title=ROSTER_TITLE)
    matched = RosterRow.objects.filter(roster=roster, member__isnull=False)
    assert matched.count() == 3
    assert matched.values("township").distinct().count() == 3  # members of three townships
    assert RosterRow.objects.filter(roster=roster, member__isnull=True).count() == 2  # reported back
    assert "monitoring:" in out.getvalue()


def test_seeding_again_adds_nothing(district):
    seed_demo_data(io.StringIO())
    before = counts()
    seed_demo_data(io.StringIO())
    assert counts() == before
