"""The district monitoring office (区防返贫监测办), the role the procedure added: its row of the access matrix.
It sees every township's cases and notices and confirms at district level; it records none of the
township's steps, posts no notice, starts no identification and edits no ledger."""

import pytest
from django.urls import reverse

from monitoring import procedure
from monitoring.models import StepKind

from .chain import check, cross, day, notice, office_user, open_case, review, reviewer_of, village
from .helpers import thresholds

pytestmark = pytest.mark.django_db
K = StepKind


@pytest.fixture
def at_confirmation(cast):
    """Bob's (横山镇) case waiting on the district confirmation: the office sees every township."""
    thresholds()
    case = open_case(cast, household=cast.bob_household, actor=cast.bob)
    check(case, cast.bob)
    cross(case, cast.bob)
    village(case, cast.bob)
    posted = notice([case], cast.bob)
    procedure.notice_take_down(notice=posted, taken_down_on=day(4), actor=cast.bob)
    review(case, reviewer_of(cast.hengshan, "hengshan_review"))
    case.refresh_from_db()
    return case, posted


def _step(case, kind):
    return reverse("monitoring:case_step", kwargs={"case_pk": case.pk, "kind": kind})


ROW = [
    ("case list", lambda c, n, cast: reverse("monitoring:case_list"), 200),
    ("case", lambda c, n, cast: reverse("monitoring:case_detail", kwargs={"case_pk": c.pk}), 200),
    ("district confirmation", lambda c, n, cast: _step(c, K.DISTRICT_CONFIRMATION), 200),
    ("household check", lambda c, n, cast: _step(c, K.HOUSEHOLD_CHECK), 403),
    ("cross-check", lambda c, n, cast: _step(c, K.CROSS_CHECK), 403),
    ("village review", lambda c, n, cast: _step(c, K.VILLAGE_REVIEW), 403),
    ("township review", lambda c, n, cast: _step(c, K.TOWNSHIP_REVIEW), 403),
    ("elimination proposal", lambda c, n, cast: _step(c, K.PROPOSAL), 403),
    ("notice list", lambda c, n, cast: reverse("monitoring:notice_list"), 200),
    ("notice", lambda c, n, cast: reverse("monitoring:notice_detail", kwargs={"notice_pk": n.pk}), 200),
    ("notice PDF", lambda c, n, cast: reverse("monitoring:notice_pdf", kwargs={"notice_pk": n.pk}), 200),
    ("draw up a notice", lambda c, n, cast: reverse("monitoring:notice_create"), 403),
    (
        "assessment",
        lambda c, n, cast: reverse("monitoring:assessment_create", kwargs={"household_pk": cast.bob_household.pk}),
        403,
    ),
    (
        "ledger",
        lambda c, n, cast: reverse("monitoring:ledger_create", kwargs={"household_pk": cast.bob_household.pk}),
        403,
    ),
    ("alert list", lambda c, n, cast: reverse("monitoring:alert_list"), 200),
]


@pytest.mark.parametrize(("what", "url", "status"), ROW, ids=[r[0] for r in ROW])
def test_the_district_office_row_of_the_matrix(cast, client_of, at_confirmation, what, url, status):
    case, posted = at_confirmation
    response = client_of(office_user()).get(url(case, posted, cast))
    assert response.status_code == status


def test_the_district_office_confirms_and_may_not_take_a_notice_down_or_start_an_identification(
    cast, client_of, at_confirmation
):
    from monitoring.services import alert_raise

    case, posted = at_confirmation
    client = client_of(office_user())
    refused = client.post(
        reverse("monitoring:notice_detail", kwargs={"notice_pk": posted.pk}),
        {"action": "objection", "objection-case": case.pk, "objection-raised_by": "某", "objection-content": "异议"},
    )
    assert refused.status_code == 403
    alert = alert_raise(household=cast.bob_household, rule="cadre_check", period=day(1), evidence={}, source="other")
    assert (
        client.post(
            reverse("monitoring:alert_detail", kwargs={"alert_pk": alert.pk}), {"action": "identify"}
        ).status_code
        == 403
    )
    confirmed = client.post(_step(case, K.DISTRICT_CONFIRMATION), {"done_on": day(1).isoformat(), "decision": "pass"})
    assert confirmed.status_code == 302
    case.refresh_from_db()
    assert case.status == "approved"
