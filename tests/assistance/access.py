"""Assistance URLs in the access matrix: Yangkou's plans, measures, records and applications."""

import datetime
from decimal import Decimal

from tests.place_writes import PlaceWrite, form_data


def _plan(cast):
    from assistance.models import AssistancePlan

    return AssistancePlan.objects.get_or_create(
        household=cast.alice_household, defaults={"summary": "洋口帮扶方案标记"}
    )[0]


def _measure(cast):
    from accounts.models import Department
    from assistance.models import Measure

    # Assigned to 民政局, not to erin's 人社局: erin must not reach it.
    return Measure.objects.get_or_create(
        plan=_plan(cast),
        household=cast.alice_household,
        description="洋口帮扶措施标记",
        defaults={"measure_type": "relief", "department": Department.objects.get(code="mzj"), "cadre": "张三"},
    )[0]


def _record(cast):
    from assistance.models import EmploymentRecord

    return EmploymentRecord.objects.get_or_create(
        member=cast.alice_member,
        household=cast.alice_household,
        employer="洋口就业单位标记",
        defaults={"kind": "local", "start_date": datetime.date(2025, 1, 1)},
    )[0]


def _post(cast):
    from assistance.models import WelfarePost

    return WelfarePost.objects.get_or_create(
        name="洋口护林岗位标记", defaults={"kind": "forest", "township": cast.yangkou}
    )[0]


def _fgw_report(cast):
    from assistance.models import ProgressReport, TaskAssignment

    assignment = TaskAssignment.objects.get(task__code="3.4", department__code="fgw")
    return ProgressReport.objects.get_or_create(
        assignment=assignment, period=datetime.date(2025, 10, 1), defaults={"text": "发改委以工代赈进度标记"}
    )[0]


def _yangkou_report(cast):
    from assistance.models import PolicyTask, ProgressReport, TaskAssignment

    # On 3.4, where erin's 人社局 has no assignment and (in this matrix) 横山镇 has none either.
    task = PolicyTask.objects.get(code="3.4")
    assignment = TaskAssignment.objects.get_or_create(task=task, township=cast.yangkou)[0]
    return ProgressReport.objects.get_or_create(
        assignment=assignment, period=datetime.date(2025, 10, 1), defaults={"text": "洋口镇以工代赈进度标记"}
    )[0]


def _attachment(cast):
    from django.core.files.base import ContentFile

    from assistance.models import ReportAttachment

    report = _yangkou_report(cast)
    found = report.attachments.first()
    if found:
        return found
    attachment = ReportAttachment(report=report, name="进度.txt")
    attachment.file.save("progress.txt", ContentFile(b"x"), save=True)
    return attachment


def _extension(cast):
    from assistance.models import HousingExtension

    return HousingExtension.objects.get_or_create(
        household=cast.alice_household,
        defaults={"funding_source": "savings", "planned_area": Decimal(30), "savings_commitment": True},
    )[0]


def _fgw(cast):
    from accounts.models import Department

    return Department.objects.get(code="fgw").pk


def _fgw_only_task(cast):
    from assistance.models import PolicyTask

    # 发改委 alone among departments: erin (人社局) may not report on it; nor may bob or grace, as
    # only Yangkou is assigned it here (_yangkou_report).
    return PolicyTask.objects.get(code="3.4").pk


FOREIGN_KWARGS = {
    "plan_pk": lambda cast: _plan(cast).pk,
    "measure_pk": lambda cast: _measure(cast).pk,
    "record_pk": lambda cast: _record(cast).pk,
    "post_pk": lambda cast: _post(cast).pk,
    # Yangkou's township report: bob and grace (横山镇), carol's neighbours, erin and nobody must not reach it.
    "report_pk": lambda cast: _yangkou_report(cast).pk,
    "attachment_pk": lambda cast: _attachment(cast).pk,
    "extension_pk": lambda cast: _extension(cast).pk,
    "department_pk": _fgw,
    "task_pk": _fgw_only_task,
}
LIST_URLS = {
    "assistance:plan_list",
    "assistance:cases_without_measures",
    "assistance:measure_list",
    "assistance:zero_employment",
    "assistance:post_list",
    "assistance:post_create",
    "assistance:task_list",
    "assistance:my_department",
    "assistance:extension_list",
}
EXEMPT_URLS = {
    "assistance:task_detail": "the text of a public policy task, open to every unit; its reports: SHARED_PAGES",
}


def _task_page(cast):
    """Task 3.4, led by 发改委 alone: Yangkou's report and 发改委's on it are for the district and the lead only."""
    return {"task_pk": _fgw_only_task(cast)}, [_yangkou_report(cast).text, _fgw_report(cast).text]


# Pages every unit may open (the matrix checks they answer) whose other units' rows must not show.
SHARED_PAGES = {"assistance:task_detail": _task_page}


def MARKERS(cast):

    # Alice's household becomes a zero-employment household, so that list has something to leak.
    cast.alice_member.employment = "not_employed"
    cast.alice_member.save()  # through the ORM, as the portal does: the figures follow
    return [
        _plan(cast).summary,
        _measure(cast).description,
        _post(cast).name,
        _fgw_report(cast).text,
        _yangkou_report(cast).text,
    ]


def _post_data(cast, **overrides):
    from assistance.forms import WelfarePostForm
    from assistance.models import WelfarePost
    from settlements.models import Settlement, Township

    post = WelfarePost(name="洋口保洁岗位", kind="cleaning", township=cast.yangkou, settlement=cast.yangkou_site)
    form = WelfarePostForm(
        instance=post, user=cast.admin, townships=Township.objects.all(), settlements=Settlement.objects.all()
    )
    return form_data(form, **overrides)


def _site_post(cast):
    from assistance.models import WelfarePost

    return WelfarePost.objects.get_or_create(
        name="洋口安置点保洁岗位",
        defaults={"kind": "cleaning", "township": cast.yangkou, "settlement": cast.yangkou_site},
    )[0]


def _posts(name):
    from assistance.models import WelfarePost

    return WelfarePost.objects.filter(name=name)


PLACE_WRITES = [
    PlaceWrite(
        "site staff create a public-welfare post in their township with no site",
        "assistance:post_create",
        "carol",
        data=lambda cast: _post_data(cast, name="离开岗位一", settlement=None),
        left=lambda cast: _posts("离开岗位一").exists(),
        inside=lambda cast: _post_data(cast, name="本点岗位一"),
    ),
    PlaceWrite(
        "township staff create a public-welfare post in another township",
        "assistance:post_create",
        "alice",
        data=lambda cast: _post_data(cast, name="离开岗位二", township=cast.hengshan.pk, settlement=None),
        left=lambda cast: _posts("离开岗位二").exists(),
        inside=lambda cast: _post_data(cast, name="本镇岗位二", settlement=None),
    ),
    PlaceWrite(
        "site staff clear the site of their public-welfare post",
        "assistance:post_edit",
        "carol",
        kwargs=lambda cast: {"post_pk": _site_post(cast).pk},
        data=lambda cast: _post_data(cast, name="洋口安置点保洁岗位", settlement=None),
        left=lambda cast: _posts("洋口安置点保洁岗位").get().settlement_id is None,
    ),
]
