"""Townships (有关乡镇) file progress reports on the policy tasks as departments do."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Department
from assistance import services
from assistance.demo import seed_demo_data
from assistance.models import LateReport, PolicyTask, ProgressReport, TaskAssignment
from notifications.models import Notification
from tests.dashboards.helpers import card, chart
from tests.factories import TownshipFactory, UserFactory


@pytest.fixture
def assigned(cast):
    """Both townships of the cast assigned to every task naming the townships concerned."""
    services.task_assign_townships()
    return cast


def _assignment(township, code="3.1"):
    return TaskAssignment.objects.select_related("task").get(task__code=code, township=township)


def _file(client, unit, text="镇级进度", **extra):
    period = unit.task.previous_period(datetime.date.today())
    return client.post(
        reverse("assistance:report_create", kwargs={"task_pk": unit.task_id}),
        {"period": period.isoformat(), "text": text, "figures": "", **extra},
    )


def _rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


# ---- filing and seeing ---------------------------------------------------------------------


def test_alice_files_her_townships_report_and_bob_cannot_see_it(assigned, client_of):
    cast = assigned
    mine = _assignment(cast.yangkou)
    upload = SimpleUploadedFile("洋口培训名单.txt", "张三".encode(), content_type="text/plain")
    response = _file(
        client_of(cast.alice), mine, text="洋口镇举办培训班1期", figures="培训人次: 45", attachments=upload
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = ProgressReport.objects.get(assignment=mine)
    assert (report.submitted_by, report.figures, report.attachments.count()) == (cast.alice, {"培训人次": 45}, 1)
    detail = reverse("assistance:report_detail", kwargs={"report_pk": report.pk})
    attachment = reverse("assistance:attachment_download", kwargs={"attachment_pk": report.attachments.get().pk})
    assert "洋口镇举办培训班1期" in client_of(cast.alice).get(detail).content.decode()
    # Another township's staff and head, a co-operating department's staff: not found, not forbidden.
    for user in (cast.bob, cast.grace, _co_operating_staff(mine.task)):
        client = client_of(user)
        assert client.get(detail).status_code == 404, user
        assert client.get(attachment).status_code == 404, user
        task_page = client.get(reverse("assistance:task_detail", kwargs={"task_pk": mine.task_id})).content.decode()
        assert "洋口镇举办培训班1期" not in task_page
    # The task's lead department (人社局 leads 3.1: erin) reads every unit's report on it (docs/assistance.md).
    assert TaskAssignment.objects.get(task=mine.task, department=cast.erin.department).is_lead
    assert client_of(cast.erin).get(detail).status_code == 200


def _co_operating_staff(task):
    """A staff member of a department answerable for ``task`` without leading it."""
    co = TaskAssignment.objects.filter(task=task, is_lead=False, department__isnull=False).first()
    return UserFactory(role="bureau_staff", department=co.department)


def test_bob_cannot_file_for_yangkou(assigned, client_of):
    cast = assigned
    yangkou = _assignment(cast.yangkou)
    url = reverse("assistance:report_create", kwargs={"task_pk": yangkou.task_id})
    assert client_of(cast.bob).get(f"{url}?assignment={yangkou.pk}").status_code == 404
    with pytest.raises(ValidationError):
        services.report_submit(assignment=yangkou, period=datetime.date(2025, 10, 1), text="替洋口报送", actor=cast.bob)
    # What bob files on the same task is 横山镇's report.
    assert _file(client_of(cast.bob), yangkou, text="横山镇进度").status_code == 302
    assert not ProgressReport.objects.filter(assignment=yangkou).exists()
    assert ProgressReport.objects.get(text="横山镇进度").assignment.township == cast.hengshan


def test_a_township_head_files_for_her_township(assigned, client_of):
    cast = assigned
    assert _file(client_of(cast.grace), _assignment(cast.hengshan), text="横山镇镇长报送").status_code == 302
    assert ProgressReport.objects.get(text="横山镇镇长报送").assignment.township == cast.hengshan


def test_township_staff_see_only_their_townships_rows_and_departments_only_theirs(assigned, client_of):
    cast = assigned
    url = reverse("assistance:task_list")
    rows = client_of(cast.alice).get(url).context["rows"]
    assert rows and {r["unit_name"] for r in rows} == {"洋口镇"}
    co = _co_operating_staff(PolicyTask.objects.get(code="3.1"))
    rows = [r for r in client_of(co).get(url).context["rows"] if r["task"].code == "3.1"]
    assert rows and {r["unit_name"] for r in rows} == {co.department.short_name}
    # A lead department also follows every unit of the tasks it leads, and only those.
    led = set(
        TaskAssignment.objects.filter(department=cast.erin.department, is_lead=True).values_list("task", flat=True)
    )
    rows = client_of(cast.erin).get(url).context["rows"]
    assert {r["unit_name"] for r in rows} > {"人社局", "洋口镇"}
    assert all(r["unit_name"] == "人社局" or r["task"].pk in led for r in rows)
    # Settlement staff file nothing: the tasks, without reports.
    assert client_of(cast.carol).get(url).context["rows"] == []


def test_someone_covering_two_townships_chooses_which_one_files(assigned, client_of):
    cast = assigned
    both = UserFactory(role="township_staff", townships=[cast.yangkou, cast.hengshan])
    hengshan = _assignment(cast.hengshan)
    client = client_of(both)
    url = reverse("assistance:report_create", kwargs={"task_pk": hengshan.task_id})
    assert "横山镇" in client.get(url).content.decode()
    assert _file(client, hengshan, text="横山镇由两镇干部报送", assignment=hengshan.pk).status_code == 302
    assert ProgressReport.objects.get(text="横山镇由两镇干部报送").assignment == hengshan


# ---- the district ----------------------------------------------------------------------------


def test_frank_sees_both_townships_filters_exports_and_sends_one_back(assigned, client_of):
    cast = assigned
    yangkou = _assignment(cast.yangkou)
    report = services.report_submit(
        assignment=yangkou,
        period=yangkou.task.previous_period(datetime.date.today()),
        text="洋口镇报告",
        actor=cast.alice,
    )
    frank = client_of(cast.frank)
    url = reverse("assistance:task_list")
    units = {r["unit_name"] for r in frank.get(url).context["rows"]}
    assert {"洋口镇", "横山镇", "人社局"} <= units
    rows = frank.get(f"{url}?unit=township-{cast.yangkou.pk}").context["rows"]
    assert rows and {r["unit_name"] for r in rows} == {"洋口镇"}
    rsj = Department.objects.get(code="rsj")
    assert {r["unit_name"] for r in frank.get(f"{url}?unit=department-{rsj.pk}").context["rows"]} == {"人社局"}
    exported = _rows(frank.get(f"{url}?unit=township-{cast.yangkou.pk}&export=xlsx"))
    cells = {c for row in exported for c in row}
    assert "洋口镇" in cells and "横山镇" not in cells and "人社局" not in cells

    detail = reverse("assistance:report_detail", kwargs={"report_pk": report.pk})
    assert frank.get(detail).status_code == 200
    frank.post(detail, {"action": "return", "comment": "请补充培训人次"})
    report.refresh_from_db()
    assert (report.status, report.review_comment) == ("returned", "请补充培训人次")
    assert Notification.objects.filter(user=cast.alice, kind="assistance.report_returned").count() == 1
    assert not Notification.objects.filter(user=cast.bob, kind="assistance.report_returned").exists()
    # Alice refiles from the report's page.
    page = client_of(cast.alice).get(detail).content.decode()
    assert f"?assignment={report.assignment_id}" in page
    assert _file(client_of(cast.alice), report.assignment, text="已补充").status_code == 302
    report.refresh_from_db()
    assert (report.status, report.text) == ("submitted", "已补充")


def test_only_the_district_reviews_a_township_report(assigned, client_of):
    cast = assigned
    report = services.report_submit(
        assignment=_assignment(cast.hengshan), period=datetime.date(2025, 10, 1), text="横山", actor=cast.bob
    )
    detail = reverse("assistance:report_detail", kwargs={"report_pk": report.pk})
    assert client_of(cast.grace).post(detail, {"action": "accept"}).status_code == 403
    client_of(cast.frank).post(detail, {"action": "accept"})
    report.refresh_from_db()
    assert report.status == "accepted"


# ---- late reports ----------------------------------------------------------------------------


def test_the_late_job_flags_a_township_once_per_period_and_notifies_its_staff(assigned):
    cast = assigned
    yangkou, hengshan = _assignment(cast.yangkou), _assignment(cast.hengshan)
    PolicyTask.objects.exclude(pk=yangkou.task_id).update(is_active=False)
    services.report_submit(assignment=yangkou, period=datetime.date(2026, 1, 1), text="按时报送", actor=cast.alice)
    today = datetime.date(2026, 4, 20)  # the first quarter's reports were due on 10 April
    assert services.flag_late_reports(today=today) == 3  # 人社局, 农业农村局 and 横山镇; 洋口镇 reported
    assert services.flag_late_reports(today=today) == 0
    assert services.flag_late_reports(today=today + datetime.timedelta(days=1)) == 0
    assert LateReport.objects.filter(assignment=hengshan, period=datetime.date(2026, 1, 1)).count() == 1
    assert not LateReport.objects.filter(assignment=yangkou).exists()
    late = Notification.objects.filter(kind="assistance.report_late")
    assert late.filter(user=cast.bob).count() == 1 and late.filter(user=cast.grace).count() == 1
    assert "横山镇" in late.get(user=cast.bob).title
    assert not late.filter(user=cast.alice).exists()
    assert late.filter(user=cast.frank).count() == 3
    # The next quarter is a new period: flagged again, once.
    assert services.flag_late_reports(today=datetime.date(2026, 7, 20)) == 4


# ---- the model and the data migration --------------------------------------------------------


def test_the_check_constraint_refuses_both_or_neither(cast):
    task = PolicyTask.objects.get(code="3.1")
    department = Department.objects.get(code="fgw")
    for fields in ({"department": department, "township": cast.yangkou}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            TaskAssignment.objects.create(task=task, **fields)
        with pytest.raises(ValidationError):
            TaskAssignment(task=task, **fields).full_clean()
    TaskAssignment.objects.create(task=task, township=cast.yangkou)
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskAssignment.objects.create(task=task, township=cast.yangkou)


def test_the_migration_keeps_only_the_townships_concerned_and_those_that_reported(cast):
    """0007: 三、1–3 lose their townships; a township with neither a site nor dispersed households loses
    every task it has not reported on; a report keeps its assignment."""
    bare = TownshipFactory(code="361103199000", name="无安置乡镇")
    reported = TownshipFactory(code="361103198000", name="已报送乡镇")
    for township in (cast.yangkou, cast.hengshan, bare, reported):
        for task in PolicyTask.objects.all():
            TaskAssignment.objects.get_or_create(task=task, township=township)
    services.report_submit(
        assignment=TaskAssignment.objects.get(task__code="6.2", township=cast.yangkou),
        period=datetime.date.today(),
        text="洋口镇资金投入情况",
        actor=cast.alice,
    )
    report_for_bare = TaskAssignment.objects.get(task__code="3.1", township=reported)
    ProgressReport.objects.create(assignment=report_for_bare, period=datetime.date(2026, 7, 1), text="已报送")
    PolicyTask.objects.filter(code__startswith="6.").update(townships_concerned=True)  # as before the rule
    migration = importlib.import_module("assistance.migrations.0007_townships_concerned_only")
    migration.apply_rule(apps, None)
    migration.apply_rule(apps, None)  # idempotent
    assert set(PolicyTask.objects.filter(townships_concerned=False).values_list("code", flat=True)) == {
        "6.1",
        "6.2",
        "6.3",
    }
    concerned = PolicyTask.objects.filter(townships_concerned=True)
    assert concerned.count() == 22
    for township in (cast.yangkou, cast.hengshan):
        codes = set(TaskAssignment.objects.filter(township=township).values_list("task__code", flat=True))
        assert codes >= set(concerned.values_list("code", flat=True))
    assert set(TaskAssignment.objects.filter(township=cast.hengshan).values_list("task__code", flat=True)) == set(
        concerned.values_list("code", flat=True)
    )
    # Yangkou reported on 三、2: that assignment stays, with its report.
    assert TaskAssignment.objects.filter(task__code="6.2", township=cast.yangkou).exists()
    assert not TaskAssignment.objects.filter(task__code="6.2", township=cast.hengshan).exists()
    assert not TaskAssignment.objects.filter(township=bare).exists()
    assert list(TaskAssignment.objects.filter(township=reported)) == [report_for_bare]
    # Department assignments are untouched.
    assert TaskAssignment.objects.get(task__code="3.5", is_lead=True).department.code == "rsj"


def test_a_new_township_is_assigned_by_the_command_once_it_has_a_site(assigned):
    from tests.factories import SettlementFactory

    new = TownshipFactory(code="361103104000", name="下溪镇")
    call_command("assistance_assign_townships", stdout=io.StringIO())
    assert not TaskAssignment.objects.filter(township=new).exists()
    SettlementFactory(name="下溪安置点", township=new)
    call_command("assistance_assign_townships", stdout=io.StringIO())
    concerned = PolicyTask.objects.filter(townships_concerned=True).count()
    assert TaskAssignment.objects.filter(township=new).count() == concerned == 22
    call_command("assistance_assign_townships", stdout=io.StringIO())
    assert TaskAssignment.objects.filter(township=new).count() == concerned


# ---- the dashboard and the demo --------------------------------------------------------------


def test_the_dashboard_chart_counts_township_assignments(cast, client_of):
    def tasks_chart():
        cache.clear()
        response = client_of(cast.frank).get(reverse("dashboards:overview"))
        return chart(response.context, "tasks"), card(response.context, "late_reports")

    before, _card = tasks_chart()
    departments_only = sum(row[1] for row in before["rows"])
    services.task_assign_townships()
    services.report_submit(
        assignment=_assignment(cast.yangkou), period=datetime.date.today(), text="本期", actor=cast.alice
    )
    after, late_card = tasks_chart()
    counts = {row[0]: row[1] for row in after["rows"]}
    concerned = PolicyTask.objects.filter(is_active=True, townships_concerned=True).count()
    assert sum(counts.values()) == departments_only + 2 * concerned
    assert counts["已报送"] == 1
    assert "责任单位" in after["title"] and "责任单位" in late_card["label"]
    cache.clear()


def test_demo_data_has_township_reports_and_a_demo_township_user_files_one(cast, client_of):
    seed_demo_data(io.StringIO())
    reports = ProgressReport.objects.filter(assignment__township=cast.yangkou)
    assert reports.count() == 2 and reports.filter(status="accepted").count() == 1
    count = ProgressReport.objects.count()
    seed_demo_data(io.StringIO())
    assert ProgressReport.objects.count() == count
    # This period is open: alice, staff of 洋口镇 as the demo's township_yangkou is, files for it.
    assignment = _assignment(cast.yangkou, code="1.1")
    response = client_of(cast.alice).post(
        reverse("assistance:report_create", kwargs={"task_pk": assignment.task_id}),
        {"period": assignment.task.period_of(datetime.date.today()).isoformat(), "text": "本季度回访", "figures": ""},
    )
    assert response.status_code == 302


def test_a_department_reads_only_its_own_reports(assigned, client_of):
    cast = assigned
    fgw = TaskAssignment.objects.get(task__code="3.4", department__code="fgw")
    report = services.report_submit(
        assignment=fgw, period=datetime.date(2025, 10, 1), text="以工代赈", actor=UserFactory(department=fgw.department)
    )
    detail = reverse("assistance:report_detail", kwargs={"report_pk": report.pk})
    assert client_of(cast.erin).get(detail).status_code == 404
    assert client_of(cast.alice).get(detail).status_code == 404
    fgw_staff = UserFactory(role="bureau_staff", department=fgw.department)
    assert client_of(fgw_staff).get(detail).status_code == 200
