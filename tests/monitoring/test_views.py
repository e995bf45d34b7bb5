"""The monitoring pages as staff use them."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.models import Alert, DepartmentRoster, MonitoringCase
from monitoring.services import alert_raise

pytestmark = pytest.mark.django_db


def _alert(household, rule="income_low"):
    return alert_raise(
        household=household,
        rule=rule,
        period=datetime.date(2026, 10, 1),
        evidence={"per_capita_income": 9000},
        source="screening",
    )


def test_the_queue_shows_open_alerts_of_the_area_oldest_first(cast, client_of):
    first, second = _alert(cast.alice_household), _alert(cast.alice_household, "medical_expense")
    _alert(cast.bob_household)
    body = client_of(cast.alice).get(reverse("monitoring:alert_list")).content.decode()
    assert body.index(f"/alerts/{first.pk}/") < body.index(f"/alerts/{second.pk}/")
    assert cast.bob_household.head_name not in body


def test_identifying_from_the_alert_page_opens_a_case(cast, client_of):
    alert = _alert(cast.alice_household)
    url = reverse("monitoring:alert_detail", kwargs={"alert_pk": alert.pk})
    response = client_of(cast.alice).post(
        url,
        {
            "action": "identify",
            "identify-object_type": "unstable",
            "identify-discovery_channel": "system_screening",
            "identify-identified_at": "2026-11-01",
        },
    )
    assert "请至少选择一种风险类型" in response.content.decode()
    response = client_of(cast.alice).post(
        url,
        {
            "action": "identify",
            "identify-object_type": "unstable",
            "identify-risk_types": ["illness"],
            "identify-discovery_channel": "system_screening",
            "identify-identified_at": "2026-11-01",
        },
    )
    case = MonitoringCase.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.pk}/")
    assert Alert.objects.get().status == "identified"


def test_settlement_staff_may_not_verify(cast, client_of):
    alert = _alert(cast.alice_household)
    url = reverse("monitoring:alert_detail", kwargs={"alert_pk": alert.pk})
    assert client_of(cast.carol).post(url, {"action": "dismiss", "dismiss-reason": "x"}).status_code == 403


def test_the_queue_exports_to_excel_with_the_filters(cast, client_of):
    _alert(cast.alice_household)
    _alert(cast.alice_household, "zero_employment")
    response = client_of(cast.alice).get(
        reverse("monitoring:alert_list"), {"rule": "zero_employment", "export": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "零就业家庭" in values and "人均收入低于预警线" not in values


def _roster_file(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "姓名", "身份证号", "情况说明", "金额"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("名单.xlsx", out.getvalue())


def test_a_bureau_uploads_a_roster_and_sees_each_rows_outcome(cast, client_of):
    upload = _roster_file(
        [[1, "横山户主吴二", cast.bob_member.id_number, "住院自付", 26000], [2, "某人", "110105194912310021", "", ""]]
    )
    response = client_of(cast.erin).post(
        reverse("monitoring:roster_upload"),
        {"title": "11月医保高额自付", "fact": "medical_cost", "period": "2026-11-01", "file": upload},
    )
    roster = DepartmentRoster.objects.get()
    assert response.status_code == 302
    assert (roster.row_count, roster.matched_count) == (2, 1)
    body = (
        client_of(cast.erin).get(reverse("monitoring:roster_detail", kwargs={"roster_pk": roster.pk})).content.decode()
    )
    assert "已交办横山镇，待核实" in body
    assert "未比对成功" in body
    assert cast.bob_member.id_number not in body  # masked for bureau staff


def test_a_roster_without_an_id_column_is_refused_in_chinese(cast, client_of):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "金额"])
    out = io.BytesIO()
    book.save(out)
    response = client_of(cast.erin).post(
        reverse("monitoring:roster_upload"),
        {"title": "x", "fact": "other", "period": "2026-11-01", "file": SimpleUploadedFile("a.xlsx", out.getvalue())},
    )
    assert "身份证号" in response.content.decode()
    assert not DepartmentRoster.objects.exists()


def test_the_household_page_shows_the_monitoring_panels(cast, client_of):
    _alert(cast.alice_household)
    body = (
        client_of(cast.alice)
        .get(reverse("relocation:household_detail", kwargs={"household_pk": cast.alice_household.pk}))
        .content.decode()
    )
    assert "监测台账" in body and "回访记录" in body and "人均收入低于预警线" in body
