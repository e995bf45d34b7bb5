"""Who reads what on a policy task's page (issue 20, item 8; docs/assistance.md).

Every unit reads the task's text and its own assignments and reports. Other units' reports are for the
district (district-wide heads, the district office, administrators) and for the task's lead unit (牵头单位).
"""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Department, User
from assistance.models import PolicyTask, ProgressReport, TaskAssignment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERIOD = datetime.date(2025, 10, 1)


def _report(assignment, text):
    return ProgressReport.objects.create(assignment=assignment, period=PERIOD, text=text)


@pytest.fixture
def task_3_3(cast):
    """三、(二)3.3: 人社局 leads, 财政局 co-operates, 洋口镇 and 横山镇 answer; each has reported."""
    task = PolicyTask.objects.get(code="3.3")
    lead = TaskAssignment.objects.get(task=task, department__code="rsj")
    assert lead.is_lead
    co = TaskAssignment.objects.get(task=task, department__code="czj")
    assert not co.is_lead
    yangkou = TaskAssignment.objects.get_or_create(task=task, township=cast.yangkou)[0]
    hengshan = TaskAssignment.objects.get_or_create(task=task, township=cast.hengshan)[0]
    return {
        "task": task,
        "lead": _report(lead, "人社局公益岗位进度标记"),
        "co": _report(co, "财政局资金进度标记"),
        "yangkou": _report(yangkou, "洋口镇公益岗位进度标记"),
        "hengshan": _report(hengshan, "横山镇公益岗位进度标记"),
    }


def _bureau(code):
    return UserFactory(role=User.Role.BUREAU_STAFF, department=Department.objects.get(code=code))


def _page(client_of, user, task):
    response = client_of(user).get(reverse("assistance:task_detail", kwargs={"task_pk": task.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _reads(body, reports):
    return sorted(k for k in ("lead", "co", "yangkou", "hengshan") if reports[k].text in body)


def test_a_township_reads_the_text_and_its_own_report_only(cast, client_of, task_3_3):
    body = _page(client_of, cast.bob, task_3_3["task"])
    assert task_3_3["task"].text in body
    assert _reads(body, task_3_3) == ["hengshan"]


def test_a_co_operating_department_reads_its_own_report_only(client_of, task_3_3):
    body = _page(client_of, _bureau("czj"), task_3_3["task"])
    assert task_3_3["task"].text in body
    assert _reads(body, task_3_3) == ["co"]


def test_the_lead_department_reads_every_units_report(client_of, task_3_3):
    lead = _bureau("rsj")
    assert _reads(_page(client_of, lead, task_3_3["task"]), task_3_3) == ["co", "hengshan", "lead", "yangkou"]
    # ...and may open each of them, attachments' page included.
    detail = reverse("assistance:report_detail", kwargs={"report_pk": task_3_3["yangkou"].pk})
    assert client_of(lead).get(detail).status_code == 200


def test_a_co_operating_department_may_not_open_another_units_report(cast, client_of, task_3_3):
    czj = _bureau("czj")
    other = reverse("assistance:report_detail", kwargs={"report_pk": task_3_3["yangkou"].pk})
    assert client_of(czj).get(other).status_code == 404


def test_the_district_reads_every_units_report(cast, client_of, task_3_3):
    assert _reads(_page(client_of, cast.frank, task_3_3["task"]), task_3_3) == ["co", "hengshan", "lead", "yangkou"]


def test_a_township_head_reads_only_their_townships_report(cast, client_of, task_3_3):
    assert _reads(_page(client_of, cast.grace, task_3_3["task"]), task_3_3) == ["hengshan"]


def test_the_task_list_shows_the_lead_its_co_units_rows(client_of, task_3_3):
    body = client_of(_bureau("rsj")).get(reverse("assistance:task_list")).content.decode()
    assert "洋口镇" in body
    czj_body = client_of(_bureau("czj")).get(reverse("assistance:task_list")).content.decode()
    assert "洋口镇" not in czj_body
