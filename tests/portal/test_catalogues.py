"""The catalogues' 导出 / 导入 in the admin: a workbook out, edited, and back in through the preview."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Department
from assistance.models import MeasureSuggestion, PolicyTask
from monitoring.models import Thresholds


def _form_data(form):
    """What the page's form posts when the user changes nothing: every field's initial value."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    return data


def _export(client, admin_name):
    url = reverse(f"admin:{admin_name}_export")
    page = client.get(url)
    assert page.status_code == 200
    data = _form_data(page.context["form"])
    data["format"] = "0"  # the first format offered: Excel (.xlsx)
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    assert "spreadsheetml" in response["Content-Type"]
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def _rows(sheet):
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return header, rows


def _upload(sheet_rows):
    book = openpyxl.Workbook()
    for row in sheet_rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("catalogue.xlsx", buffer.getvalue())


def _preview(client, admin_name, sheet_rows):
    url = reverse(f"admin:{admin_name}_import")
    page = client.get(url)
    assert page.status_code == 200
    data = _form_data(page.context["form"])
    data.update(format="0", import_file=_upload(sheet_rows))
    return client.post(url, data)


def _confirm(client, admin_name, preview):
    form = preview.context["confirm_form"]
    response = client.post(reverse(f"admin:{admin_name}_process_import"), form.initial, follow=True)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_departments_go_out_with_chinese_headers_and_labels_and_come_back_edited(cast, client_of):
    client = client_of(cast.admin)
    header, rows = _rows(_export(client, "accounts_department"))
    assert "名称" in header and "类别" in header and "启用" in header
    by_name = {row[header.index("名称")]: row for row in rows}
    rsj = by_name["区人力资源和社会保障局"]
    assert rsj[header.index("类别")] == "政府部门" and rsj[header.index("启用")] == "是"

    rsj[header.index("简称")] = "人社"
    preview = _preview(client, "accounts_department", [header, rsj])
    assert preview.status_code == 200
    assert not preview.context["result"].has_errors()
    assert Department.objects.get(code="rsj").short_name == "人社局"  # the preview writes nothing

    _confirm(client, "accounts_department", preview)
    assert Department.objects.get(code="rsj").short_name == "人社"
    assert Department.objects.filter(name="区人力资源和社会保障局").count() == 1  # updated in place


@pytest.mark.django_db
def test_a_wrong_label_is_named_with_its_row_and_nothing_is_written(cast, client_of):
    client = client_of(cast.admin)
    header, rows = _rows(_export(client, "accounts_department"))
    before = list(Department.objects.order_by("code").values_list("code", "name", "kind", "short_name"))
    good, bad = rows[0], list(rows[1])
    good[header.index("简称")] = "改了"
    bad[header.index("类别")] = "司局"
    preview = _preview(client, "accounts_department", [header, good, bad])
    result = preview.context["result"]
    assert result.has_validation_errors() or result.has_errors()
    body = preview.content.decode()
    assert "“司局”不是可选的值" in body and "政府部门" in body
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert list(Department.objects.order_by("code").values_list("code", "name", "kind", "short_name")) == before


@pytest.mark.django_db
def test_a_years_thresholds_are_changed_from_a_workbook_with_their_history(cast, client_of):
    client = client_of(cast.admin)
    year = Thresholds.objects.order_by("-year").first().year
    header, rows = _rows(_export(client, "monitoring_thresholds"))
    assert "年度" in header
    row = next(r for r in rows if r[header.index("年度")] == year)
    line = header.index(str(Thresholds._meta.get_field("income_line").verbose_name))
    row[line] = "9999.00"
    preview = _preview(client, "monitoring_thresholds", [header, row])
    assert not preview.context["result"].has_errors(), preview.content.decode()[:2000]
    _confirm(client, "monitoring_thresholds", preview)
    thresholds = Thresholds.objects.get(year=year)
    assert thresholds.income_line == Decimal("9999.00")
    assert thresholds.history.first().income_line == Decimal("9999.00")
    assert Thresholds.objects.filter(year=year).count() == 1


@pytest.mark.django_db
def test_suggestions_name_their_department_and_risk_type_in_chinese(cast, client_of):
    client = client_of(cast.admin)
    header, rows = _rows(_export(client, "assistance_measuresuggestion"))
    assert rows, "the seeded catalogue is exported"
    department = header.index(str(MeasureSuggestion._meta.get_field("department").verbose_name))
    risk = header.index(str(MeasureSuggestion._meta.get_field("risk_type").verbose_name))
    assert all(not str(r[risk]).isascii() for r in rows)  # 因病, 因学 …, never the stored key
    new = list(rows[0])
    new[header.index(str(MeasureSuggestion._meta.get_field("description").verbose_name))] = "新增的一条建议"
    unknown = list(new)
    unknown[department] = "不存在的局"
    preview = _preview(client, "assistance_measuresuggestion", [header, unknown])
    assert "不存在的局" in preview.content.decode()
    assert not MeasureSuggestion.objects.filter(description="新增的一条建议").exists()

    count = MeasureSuggestion.objects.count()
    preview = _preview(client, "assistance_measuresuggestion", [header, new])
    _confirm(client, "assistance_measuresuggestion", preview)
    assert MeasureSuggestion.objects.filter(description="新增的一条建议").count() == 1  # reworded in place
    assert MeasureSuggestion.objects.count() == count


@pytest.mark.django_db
def test_policy_tasks_export_and_a_reimport_changes_nothing(cast, client_of):
    client = client_of(cast.admin)
    header, rows = _rows(_export(client, "assistance_policytask"))
    assert len(rows) == PolicyTask.objects.count() > 0
    before = list(PolicyTask.objects.order_by("code").values())
    preview = _preview(client, "assistance_policytask", [header, *rows])
    assert not preview.context["result"].has_errors()
    assert preview.context["result"].totals["update"] == 0
    _confirm(client, "assistance_policytask", preview)
    assert list(PolicyTask.objects.order_by("code").values()) == before


@pytest.mark.django_db
def test_staff_without_the_admin_get_no_catalogue_export(cast, client_of):
    response = client_of(cast.alice).get(reverse("admin:accounts_department_export"))
    assert response.status_code in (302, 403)
    assert b"spreadsheetml" not in response.content
