"""待我审批: a head (or the district office) sees what waits for their decision, is told, and counts it."""

import datetime
from decimal import Decimal

from django.urls import reverse

from accounts.approvals import count_for
from assistance import services as assistance_services
from assistance.models import TaskAssignment
from monitoring.models import StepKind
from notifications.models import Notification
from relocation.models import Household
from tests.factories import HouseholdFactory
from tests.monitoring import chain
from tests.monitoring.helpers import thresholds

APPROVALS = reverse("accounts:approvals")


def _case_at_district_confirmation(cast):
    thresholds(chain.day(14).year)
    case = chain.open_case(cast)
    chain.check(case, cast.alice)
    chain.cross(case, cast.alice)
    chain.village(case, cast.alice)
    posted = chain.notice([case], cast.alice)
    from monitoring import procedure

    procedure.notice_take_down(notice=posted, taken_down_on=chain.day(4), actor=cast.alice)
    chain.review(case, chain.reviewer_of(cast.yangkou), on=3)
    case.refresh_from_db()
    assert case.next_step == StepKind.DISTRICT_CONFIRMATION
    return case


def _extension_agreed_by_village(cast):
    household = HouseholdFactory(
        head_name="扩建户主李三", township=cast.hengshan, placement=Household.Placement.HOMESTEAD
    )
    application = assistance_services.housing_extension_apply(
        household=household,
        planned_area=Decimal("40"),
        actor=cast.bob,
        funding_source="savings",
        income_proof="务工收入证明",
        savings_commitment=True,
    )
    return assistance_services.housing_extension_village_review(
        application=application, agree=True, opinion="村组同意", actor=cast.bob
    )


def test_the_district_office_sees_and_is_told_of_a_case_awaiting_district_confirmation(cast, client_of):
    office = chain.office_user()
    case = _case_at_district_confirmation(cast)

    told = Notification.objects.get(user=office, kind="approvals.case")
    assert told.url == reverse("monitoring:case_detail", kwargs={"case_pk": case.pk})
    assert "待区级审定" in told.title
    assert Notification.objects.filter(user=cast.frank, kind="approvals.case").exists()  # the district head follows it
    assert not Notification.objects.filter(user=cast.grace, kind="approvals.case").exists()  # Hengshan's head: not hers

    page = client_of(office).get(APPROVALS).content.decode()
    assert "待区级审定的监测对象" in page and cast.alice_household.head_name in page
    assert count_for(office) == 1
    # The menu shows the count beside 待我审批.
    menu = client_of(office).get(reverse("monitoring:case_list")).content.decode()
    assert "待我审批" in menu and 'id="approvals-count">1<' in menu

    chain.review(case, office, kind=StepKind.DISTRICT_CONFIRMATION, on=2)
    assert count_for(office) == 0
    assert cast.alice_household.head_name not in client_of(office).get(APPROVALS).content.decode()


def test_a_township_head_sees_her_townships_housing_extension_awaiting_approval(cast, client_of):
    application = _extension_agreed_by_village(cast)

    assert Notification.objects.filter(user=cast.grace, kind="approvals.extension").exists()
    assert Notification.objects.filter(user=cast.frank, kind="approvals.extension").exists()
    page = client_of(cast.grace).get(APPROVALS).content.decode()
    assert "待乡镇审批的加层扩建申请" in page and "扩建户主李三" in page
    assert reverse("assistance:extension_detail", kwargs={"extension_pk": application.pk}) in page

    assistance_services.housing_extension_township_decide(
        application=application, approve=True, opinion="同意", actor=cast.grace
    )
    assert "扩建户主李三" not in client_of(cast.grace).get(APPROVALS).content.decode()


def test_a_submitted_report_waits_for_the_district_head_not_for_a_township_head(cast, client_of):
    assignment = TaskAssignment.objects.select_related("task").get(task__code="3.1", department__code="rsj")
    report = assistance_services.report_submit(
        assignment=assignment, period=datetime.date(2025, 10, 1), text="培训120人次", actor=cast.erin
    )

    assert Notification.objects.filter(user=cast.frank, kind="approvals.report").exists()
    page = client_of(cast.frank).get(APPROVALS).content.decode()
    assert "待审核的进度报告" in page and str(assignment.task) in page
    assert reverse("assistance:report_detail", kwargs={"report_pk": report.pk}) in page
    assert "待审核的进度报告" not in client_of(cast.grace).get(APPROVALS).content.decode()
    assert not Notification.objects.filter(user=cast.grace, kind="approvals.report").exists()

    assistance_services.report_accept(report=report, actor=cast.frank)
    assert count_for(cast.frank) == 0


def test_staff_without_decisions_have_no_approval_page_and_no_menu_entry(cast, client_of):
    for user in (cast.alice, cast.carol, cast.erin):
        client = client_of(user)
        assert client.get(APPROVALS).status_code == 403
        assert "待我审批" not in client.get(reverse("notifications:notification_list")).content.decode()


def test_an_empty_queue_says_so(cast, client_of):
    page = client_of(cast.frank).get(APPROVALS).content.decode()
    assert "目前没有待您审批的事项" in page
