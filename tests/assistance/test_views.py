import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AccessLog, Department
from assistance import services
from assistance.models import HousingExtension, ProgressReport, TaskAssignment
from relocation.models import Household, Member
from tests.assistance.helpers import measure_for, open_case
from tests.factories import HouseholdFactory, UserFactory


def _xlsx(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active


def test_bureau_staff_list_only_their_departments_measures(cast, client_of):
    mine = measure_for(cast.alice_household, department_code="rsj", description="岗位推荐到园区")
    other = measure_for(cast.bob_household, department_code="mzj", description="临时救助金")
    client = client_of(cast.erin)
    body = client.get(reverse("assistance:measure_list")).content.decode()
    assert mine.description in body and other.description not in body
    assert client.get(reverse("assistance:measure_detail", kwargs={"measure_pk": other.pk})).status_code == 404
    # The household of her measure opens; plans (other departments' measures) stay closed to bureau staff.
    assert (
        client.get(reverse("relocation:household_detail", kwargs={"household_pk": cast.alice_household.pk})).status_code
        == 200
    )
    assert client.get(reverse("assistance:plan_detail", kwargs={"plan_pk": mine.plan_id})).status_code == 403


def test_the_responsible_department_marks_a_measure_done(cast, client_of):
    measure = measure_for(cast.alice_household, department_code="rsj")
    url = reverse("assistance:measure_detail", kwargs={"measure_pk": measure.pk})
    response = client_of(cast.erin).post(url, {"status": "done", "outcome": "", "amount": ""})
    assert "请填写措施成效" in response.content.decode() or "Say what the measure achieved" in response.content.decode()
    response = client_of(cast.erin).post(url, {"status": "done", "outcome": "已上岗", "amount": "300"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.status, measure.amount) == ("done", Decimal(300))


def test_township_staff_may_not_report_for_a_department(cast, client_of):
    measure = measure_for(cast.alice_household, department_code="rsj")
    url = reverse("assistance:measure_detail", kwargs={"measure_pk": measure.pk})
    assert client_of(cast.alice).post(url, {"status": "done", "outcome": "x"}).status_code == 403


def test_the_plan_form_suggests_the_cases_measures(cast, client_of):
    open_case(cast.alice_household, risk_types=["schooling"])
    body = client_of(cast.alice).get(
        reverse("assistance:plan_create", kwargs={"household_pk": cast.alice_household.pk})
    )
    text = body.content.decode()
    assert "雨露计划" in text and "饮水安全" not in text


def test_zero_employment_list_and_its_export(cast, client_of):
    cast.alice_member.employment = "not_employed"
    cast.alice_member.save()  # through the ORM, as the portal does: the figures follow
    client = client_of(cast.alice)
    assert cast.alice_household.code in client.get(reverse("assistance:zero_employment")).content.decode()
    response = client.get(reverse("assistance:zero_employment") + "?export=xlsx")
    rows = list(_xlsx(response).iter_rows(values_only=True))
    assert any(cast.alice_household.code in row for row in rows)
    assert AccessLog.objects.filter(user=cast.alice, action=AccessLog.Action.EXPORT).exists()
    assert (
        cast.alice_household.code not in client_of(cast.bob).get(reverse("assistance:zero_employment")).content.decode()
    )


def test_the_zero_employment_list_narrows_to_a_site_of_the_users_scope(cast, client_of):
    at_site = cast.alice_household
    cast.alice_member.employment = "not_employed"
    cast.alice_member.save()  # through the ORM, as the portal does: the figures follow
    no_site = HouseholdFactory(township=cast.yangkou, settlement=None)
    Member.objects.create(household=no_site, name="无安置点成员", id_number="362322199001010011",
                          labour_capacity="ordinary", willing_to_work=True, employment="not_employed")  # fmt: skip
    url = reverse("assistance:zero_employment")
    client = client_of(cast.alice)
    everything = client.get(url).content.decode()
    assert at_site.code in everything and no_site.code in everything

    response = client.get(f"{url}?settlement={cast.yangkou_site.pk}")
    page = response.content.decode()
    assert at_site.code in page and no_site.code not in page
    assert response.context["page_obj"].paginator.count == 1
    assert "仅显示洋口安置小区的户" in page
    rows = list(_xlsx(client.get(f"{url}?settlement={cast.yangkou_site.pk}&export=xlsx")).iter_rows(values_only=True))
    assert any(at_site.code in row for row in rows) and not any(no_site.code in row for row in rows)
    # Another township's site: nothing, not that site's households.
    assert client.get(f"{url}?settlement={cast.hengshan_site.pk}").context["page_obj"].paginator.count == 0


def test_the_ledger_export_holds_the_measures_in_scope(cast, client_of):
    measure_for(cast.alice_household, department_code="rsj", description="洋口措施")
    measure_for(cast.bob_household, department_code="rsj", description="横山措施")
    response = client_of(cast.alice).get(reverse("assistance:measure_list") + "?export=xlsx&ledger=1")
    cells = [c for row in _xlsx(response).iter_rows(values_only=True) for c in row if c]
    assert "洋口措施" in cells and "横山措施" not in cells
    assert any("后续帮扶工作台账" in str(c) or "Follow-up assistance ledger" in str(c) for c in cells)


def test_a_department_files_a_report_with_an_attachment_and_the_district_sends_it_back(cast, client_of):
    task = TaskAssignment.objects.get(task__code="3.1", department__code="rsj").task
    period = task.previous_period(datetime.date.today())
    upload = SimpleUploadedFile("培训名单.txt", "张三\n李四".encode(), content_type="text/plain")
    response = client_of(cast.erin).post(
        reverse("assistance:report_create", kwargs={"task_pk": task.pk}),
        {"period": period.isoformat(), "text": "举办培训班2期", "figures": "培训人次: 120", "attachments": upload},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = ProgressReport.objects.get(assignment__task=task)
    assert report.figures == {"培训人次": 120} and report.attachments.count() == 1
    frank = client_of(cast.frank)
    response = frank.post(
        reverse("assistance:report_detail", kwargs={"report_pk": report.pk}),
        {"action": "return", "comment": "补充补贴数据"},
    )
    report.refresh_from_db()
    assert report.status == "returned" and report.review_comment == "补充补贴数据"
    # Erin (the department) cannot review; another department cannot even see it.
    assert (
        client_of(cast.erin)
        .post(reverse("assistance:report_detail", kwargs={"report_pk": report.pk}), {"action": "accept"})
        .status_code
        == 403
    )


def test_the_district_sees_who_is_late(cast, client_of, monkeypatch):
    from django.utils import timezone

    # 20 May: the first quarter's reports were due on 10 April.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2026, 5, 20))
    services.report_submit(
        assignment=TaskAssignment.objects.get(task__code="3.2", department__code="rsj"),
        period=datetime.date(2026, 1, 1),
        text="已报送",
        actor=cast.erin,
    )
    services.flag_late_reports()
    rsj = Department.objects.get(code="rsj").pk
    body = client_of(cast.frank).get(reverse("assistance:task_list") + f"?late=1&department={rsj}").content.decode()
    assert "table-danger" in body and "3.1 " in body
    assert "3.2 " not in body  # 人社局 reported on 3.2 on time, so it is not among its late ones


def test_a_department_page_shows_its_tasks_and_measures_to_its_own_staff(cast, client_of):
    measure = measure_for(cast.alice_household, department_code="rsj", description="岗位推荐")
    rsj = Department.objects.get(code="rsj")
    body = (
        client_of(cast.erin)
        .get(reverse("assistance:department_detail", kwargs={"department_pk": rsj.pk}))
        .content.decode()
    )
    assert "3.1" in body and measure.description in body
    mzj_staff = UserFactory(role="bureau_staff", department=Department.objects.get(code="mzj"))
    url = reverse("assistance:department_detail", kwargs={"department_pk": rsj.pk})
    assert client_of(mzj_staff).get(url).status_code == 404


def test_housing_extension_through_the_pages(cast, client_of):
    household = HouseholdFactory(township=cast.yangkou, placement=Household.Placement.HOMESTEAD)
    client = client_of(cast.alice)
    response = client.post(
        reverse("assistance:extension_create", kwargs={"household_pk": household.pk}),
        {"applied_on": "2026-05-01", "funding_source": "loan", "planned_area": "40", "income_proof": "工资单",
         "savings_commitment": "on"},
    )  # fmt: skip
    assert "严禁贷款借债扩建" in response.content.decode() or "no loans" in response.content.decode()
    client.post(
        reverse("assistance:extension_create", kwargs={"household_pk": household.pk}),
        {"applied_on": "2026-05-01", "funding_source": "savings", "planned_area": "40", "income_proof": "工资单",
         "savings_commitment": "on"},
    )  # fmt: skip
    application = HousingExtension.objects.get(household=household)
    client.post(reverse("assistance:extension_village_review", kwargs={"extension_pk": application.pk}), {"agree": "1"})
    client.post(
        reverse("assistance:extension_township_decide", kwargs={"extension_pk": application.pk}), {"agree": "1"}
    )
    application.refresh_from_db()
    assert application.status == "approved"
    apartment = HouseholdFactory(township=cast.yangkou, placement=Household.Placement.APARTMENT)
    response = client.get(reverse("assistance:extension_create", kwargs={"household_pk": apartment.pk}))
    assert response.status_code == 302


def test_the_household_page_shows_the_employment_goal(cast, client_of):
    services.employment_record_add(
        member=cast.alice_member, kind="outside", employer="浙江某厂", start_date=datetime.date(2025, 2, 1), actor=None
    )
    body = (
        client_of(cast.alice)
        .get(reverse("relocation:household_detail", kwargs={"household_pk": cast.alice_household.pk}))
        .content.decode()
    )
    assert "浙江某厂" in body and ("至少一人就业" in body or "At least one member employed" in body)


def test_the_districts_task_progress_is_paginated_and_exported_whole(cast, client_of):
    client = client_of(cast.frank)
    url = reverse("assistance:task_list")
    first = client.get(url)
    page = first.context["page_obj"]
    assert page.paginator.count == TaskAssignment.objects.count() > 50
    assert len(first.context["rows"]) == 50 and page.has_next()
    second = client.get(url + "?page=2")
    assert second.context["rows"][0]["assignment"] != first.context["rows"][0]["assignment"]
    exported = list(_xlsx(client.get(url + "?export=xlsx")).iter_rows(values_only=True))
    assert sum(1 for row in exported if row and row[0] and str(row[0])[:1].isdigit()) == page.paginator.count
