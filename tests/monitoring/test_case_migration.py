"""Cases recorded before the step chain are put on the step their old status corresponds to; the steps
they never had are marked as recorded before the procedure, with no date and nobody named."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from monitoring.models import CaseStep, MonitoringCase

pytestmark = pytest.mark.django_db
migration = import_module("monitoring.migrations.0009_cases_onto_the_procedure")

AT = timezone.make_aware(datetime.datetime(2026, 3, 5, 10, 0))


def _old_case(household, status, **fields):
    return MonitoringCase.objects.create(
        household=household, object_type="unstable", risk_types=["illness"], discovery_channel="cadre_check",
        identified_at=datetime.date(2026, 3, 1), status=status, **fields,
    )  # fmt: skip


def test_old_cases_land_on_their_step_and_nothing_is_invented(cast):
    waiting = _old_case(cast.alice_household, "identified", identified_by=cast.alice)
    confirmed = _old_case(
        cast.bob_household, "eliminated", reviewed_at=AT, reviewed_by=cast.bob, approved_at=AT, approved_by=cast.frank,
        eliminated_at=datetime.date(2026, 10, 1),
    )  # fmt: skip
    migration.forward(apps, None)
    migration.forward(apps, None)  # idempotent
    waiting.refresh_from_db()
    assert (waiting.procedure, waiting.next_step, waiting.step_since) == (
        "identification", "township_review", datetime.date(2026, 3, 1),
    )  # fmt: skip
    steps = CaseStep.objects.filter(case=waiting).order_by("pk")
    assert [s.kind for s in steps] == ["clue", "household_check", "cross_check", "village_review", "notice"]
    assert {s.result for s in steps} == {"before_procedure"}
    assert all(s.done_on is None and not s.actors.exists() for s in steps)

    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.next_step, confirmed.procedure_run) == ("eliminated", "", 1)
    review = CaseStep.objects.get(case=confirmed, procedure="identification", kind="township_review")
    assert (review.result, review.done_on, list(review.actors.all())) == (
        "passed",
        datetime.date(2026, 3, 5),
        [cast.bob],
    )
    confirmation = CaseStep.objects.get(case=confirmed, procedure="identification", kind="district_confirmation")
    assert list(confirmation.actors.all()) == [cast.frank]
    elimination = CaseStep.objects.filter(case=confirmed, procedure="elimination")
    assert elimination.count() == 6 and {s.result for s in elimination} == {"before_procedure"}
    assert CaseStep.objects.count() == 5 + 7 + 6
