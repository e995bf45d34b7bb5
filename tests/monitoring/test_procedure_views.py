"""The procedure's pages as staff use them: the phone form at the door, the notice, its PDF, scope."""

import io

import pypdf
import pytest
from django.urls import reverse

from monitoring import procedure
from monitoring.models import CaseStep, StepKind
from tests.factories import HouseholdFactory, MemberFactory, make_id_number

from .chain import check, cross, day, notice, open_case, scan, village
from .helpers import thresholds

pytestmark = pytest.mark.django_db
K = StepKind


@pytest.fixture(autouse=True)
def _thresholds():
    thresholds()


def step_url(case, kind):
    return reverse("monitoring:case_step", kwargs={"case_pk": case.pk, "kind": kind})


def test_the_household_check_form_records_the_step_with_its_upload(cast, client_of):
    case = open_case(cast)
    client = client_of(cast.alice)
    page = client.get(step_url(case, K.HOUSEHOLD_CHECK)).content.decode()
    assert "承诺授权书" in page and 'capture="environment"' in page
    response = client.post(
        step_url(case, K.HOUSEHOLD_CHECK),
        {"done_on": day(12).isoformat(), "actors": [cast.carol.pk], "findings": "属实", "evidence": [scan()]},
    )
    assert response.status_code == 302
    step = CaseStep.objects.get(case=case, kind=K.HOUSEHOLD_CHECK)
    assert set(step.actors.all()) == {cast.alice, cast.carol}
    evidence = step.evidence.get()
    download = client.get(reverse("monitoring:evidence_file", kwargs={"evidence_pk": evidence.pk}))
    assert download.status_code == 200


def test_a_refused_step_says_why_in_chinese_and_writes_nothing(cast, client_of):
    case = open_case(cast)
    response = client_of(cast.alice).post(
        step_url(case, K.HOUSEHOLD_CHECK), {"done_on": day(12).isoformat(), "findings": "属实", "evidence": [scan()]}
    )
    assert response.status_code == 200
    assert "入户核实须至少两名工作人员" in response.content.decode()
    assert not CaseStep.objects.filter(kind=K.HOUSEHOLD_CHECK).exists()


def test_a_forged_post_for_another_townships_case_is_not_found(cast, client_of):
    bobs = open_case(cast, household=cast.bob_household, actor=cast.bob)
    response = client_of(cast.alice).post(
        step_url(bobs, K.HOUSEHOLD_CHECK),
        {"done_on": day(12).isoformat(), "actors": [cast.carol.pk], "findings": "属实", "evidence": [scan()]},
    )
    assert response.status_code == 404
    assert not CaseStep.objects.filter(kind=K.HOUSEHOLD_CHECK).exists()


def test_site_staff_cannot_review(cast, client_of):
    case = open_case(cast)
    assert client_of(cast.carol).get(step_url(case, K.TOWNSHIP_REVIEW)).status_code == 403


def test_the_case_list_shows_the_step_each_case_is_on(cast, client_of):
    case = open_case(cast)
    body = client_of(cast.alice).get(reverse("monitoring:case_list")).content.decode()
    assert "入户核实" in body
    check(case, cast.alice)
    body = client_of(cast.alice).get(reverse("monitoring:case_detail", kwargs={"case_pk": case.pk})).content.decode()
    assert "部门比对" in body and 'class="chain-node done"' in body


def _sensitive_household(cast, n):
    """A household whose head and members have every sensitive field filled."""
    household = HouseholdFactory(
        township=cast.yangkou, settlement=cast.yangkou_site, head_name=f"公示户主{n}", phone=f"1390000{n:04d}"
    )
    MemberFactory(
        household=household, name=f"公示户主{n}", id_number=make_id_number(), phone=f"1380000{n:04d}",
        health="serious", disability_grade=2,
    )  # fmt: skip
    return household


def test_the_notice_page_and_pdf_show_names_but_no_id_phone_or_health(cast, client_of):
    households = [_sensitive_household(cast, n) for n in range(3)]
    cases = []
    for h in households:
        case = open_case(cast, household=h)
        check(case, cast.alice)
        cross(case, cast.alice)
        village(case, cast.alice)
        cases.append(case)
    posted = notice(cases, cast.alice)
    client = client_of(cast.alice)
    page = client.get(reverse("monitoring:notice_print", kwargs={"notice_pk": posted.pk})).content.decode()
    pdf = client.get(reverse("monitoring:notice_pdf", kwargs={"notice_pk": posted.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    assert reader.pages[0].mediabox.width == pytest.approx(595.27, abs=0.5)  # A4
    text = "".join(p.extract_text() for p in reader.pages)
    secrets = []
    for h in households:
        member = h.members.get()
        secrets += [member.id_number, member.id_number[-6:], member.phone, h.phone]
    health_words = ["重病", "大病", "慢性病", "残疾", "健康", "病"]
    for shown in (page, text):
        for h in households:
            assert h.head_name in shown
        assert not [s for s in secrets if s in shown]
        assert not [w for w in health_words if w in shown]
    assert "0793-2600000" in text and "公示" in text


def test_taking_a_notice_down_early_is_refused_on_the_page(cast, client_of):
    case = open_case(cast)
    check(case, cast.alice)
    cross(case, cast.alice)
    village(case, cast.alice)
    posted = notice([case], cast.alice, start=2)
    response = client_of(cast.alice).post(
        reverse("monitoring:notice_detail", kwargs={"notice_pk": posted.pk}),
        {"action": "take_down", "down-taken_down_on": day(0).isoformat()},
    )
    assert "公示期未满不能撤下" in response.content.decode()
    posted.refresh_from_db()
    assert posted.taken_down_on is None
    case.refresh_from_db()
    assert procedure.position(case, None).next_step == K.NOTICE


def test_the_notice_list_shows_the_cases_waiting_for_a_notice(cast, client_of):
    case = open_case(cast)
    check(case, cast.alice)
    cross(case, cast.alice)
    village(case, cast.alice)
    body = client_of(cast.alice).get(reverse("monitoring:notice_list")).content.decode()
    assert "待公示的监测对象" in body and cast.alice_household.head_name in body
    assert cast.yangkou_site.name in body
    assert (
        cast.alice_household.head_name
        not in client_of(cast.bob).get(reverse("monitoring:notice_list")).content.decode()
    )


def test_the_identify_form_refuses_the_fast_lane_but_for_sudden_severe_difficulty(cast, client_of):
    from monitoring.models import MonitoringCase
    from monitoring.services import alert_raise

    alert = alert_raise(
        household=cast.alice_household, rule="cadre_check", period=day(1), evidence={"x": 1}, source="other"
    )
    form = {
        "action": "identify", "identify-object_type": "unstable", "identify-risk_types": ["illness"],
        "identify-discovery_channel": "cadre_check", "identify-identified_at": day(1).isoformat(),
        "identify-fast_lane": "on", "identify-notes": "突发重病",
    }  # fmt: skip
    url = reverse("monitoring:alert_detail", kwargs={"alert_pk": alert.pk})
    response = client_of(cast.alice).post(url, form)
    assert response.status_code == 200
    assert "绿色通道仅适用于突发严重困难户" in response.content.decode()
    assert not MonitoringCase.objects.exists()
    # Without the fast lane the same identification starts.
    del form["identify-fast_lane"]
    assert client_of(cast.alice).post(url, form).status_code == 302
    assert MonitoringCase.objects.get().fast_lane is False


def _bobs_notice_with_objection(cast):
    bobs = open_case(cast, household=cast.bob_household, actor=cast.bob)
    check(bobs, cast.bob)
    cross(bobs, cast.bob)
    village(bobs, cast.bob)
    posted = notice([bobs], cast.bob)
    objection = procedure.objection_record(
        notice=posted, case=bobs, raised_on=day(8), raised_by="村民", content="收入较高", actor=cast.bob
    )
    return bobs, posted, objection


FORGED = [
    ("cross-check", lambda c, n, o: step_url(c, K.CROSS_CHECK), {"done_on": "2026-01-01", "item_vehicles": "无"}),
    ("township review", lambda c, n, o: step_url(c, K.TOWNSHIP_REVIEW), {"done_on": "2026-01-01", "decision": "pass"}),
    ("proposal", lambda c, n, o: step_url(c, K.PROPOSAL), {"done_on": "2026-01-01", "note": "收入稳定"}),
    (
        "take the notice down",
        lambda c, n, o: reverse("monitoring:notice_detail", kwargs={"notice_pk": n.pk}),
        {"action": "take_down", "down-taken_down_on": "2026-01-01"},
    ),
    (
        "an objection",
        lambda c, n, o: reverse("monitoring:notice_detail", kwargs={"notice_pk": n.pk}),
        {"action": "objection", "objection-case": "0", "objection-raised_by": "某", "objection-content": "异议"},
    ),
    (
        "resolve the objection",
        lambda c, n, o: reverse("monitoring:objection_resolve", kwargs={"objection_pk": o.pk}),
        {"resolve-resolved_on": "2026-01-01", "resolve-outcome": "unfounded", "resolve-resolution": "核实无误"},
    ),
]


@pytest.mark.parametrize(("what", "url", "data"), FORGED, ids=[f[0] for f in FORGED])
def test_a_forged_post_on_another_townships_procedure_is_not_found(cast, client_of, what, url, data):
    from monitoring.models import Objection

    bobs, posted, objection = _bobs_notice_with_objection(cast)
    steps = CaseStep.objects.count()
    response = client_of(cast.alice).post(url(bobs, posted, objection), data)
    assert response.status_code == 404
    assert CaseStep.objects.count() == steps
    posted.refresh_from_db()
    assert posted.taken_down_on is None
    assert list(Objection.objects.values_list("resolved_on", flat=True)) == [None]


def test_the_identify_form_offers_only_the_object_types_the_household_allows(cast, client_of):
    from monitoring.services import alert_raise

    lifted = alert_raise(
        household=cast.alice_household, rule="cadre_check", period=day(1), evidence={"x": 1}, source="other"
    )
    alongside = HouseholdFactory(township=cast.yangkou, household_type="alongside")
    other = alert_raise(household=alongside, rule="cadre_check", period=day(1), evidence={"x": 1}, source="other")
    client = client_of(cast.alice)

    def offered(alert):
        body = client.get(reverse("monitoring:alert_detail", kwargs={"alert_pk": alert.pk})).content.decode()
        return {value for value in ("unstable", "marginal", "sudden") if f'<option value="{value}"' in body}

    assert offered(lifted) == {"unstable", "sudden"}
    assert offered(other) == {"marginal", "sudden"}
