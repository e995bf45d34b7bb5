"""A bureau pushes a roster through the API: the same rows give the same alerts and row results as the workbook."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from monitoring.models import Alert, DepartmentRoster
from tests.api.helpers import bearer, make_token
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def _rows(cast):
    return [
        {"id_number": cast.alice_member.id_number, "name": "洋口户主周一", "detail": "住院自付", "amount": "8200.50"},
        {"id_number": cast.bob_member.id_number, "name": "横山户主吴二", "detail": "残疾登记", "amount": None},
        {"id_number": "362321199001011234", "name": "校验错", "detail": "", "amount": None},
        {"id_number": make_id_number(), "name": "非搬迁人口", "detail": "", "amount": "100"},
    ]


def _workbook(rows) -> SimpleUploadedFile:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "姓名", "身份证号", "情况说明", "金额（元）"])
    for i, r in enumerate(rows, start=1):
        sheet.append([i, r["name"], r["id_number"], r["detail"], r["amount"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("名单.xlsx", buffer.getvalue())


def _outcome(roster):
    rows = [
        (r.row_number - min(x.row_number for x in roster.rows.all()), r.id_number, r.problem, r.household_id,
         r.township_id, r.alert.rule if r.alert else None, r.alert.period if r.alert else None, r.amount)
        for r in roster.rows.select_related("alert").order_by("row_number")
    ]  # fmt: skip
    alerts = sorted(
        (a.household_id, a.rule, a.period, a.source, a.evidence["detail"], a.evidence["amount"])
        for a in Alert.objects.filter(source=Alert.Source.ROSTER)
    )
    return rows, alerts, (roster.row_count, roster.matched_count)


def test_a_pushed_roster_gives_the_same_alerts_as_the_workbook(cast, client_of, client):
    rows = _rows(cast)
    form = {"title": "2026年1月残疾登记", "fact": "disability", "period": "2026-01-31"}
    with transaction.atomic():
        response = client_of(cast.erin).post(reverse("monitoring:roster_upload"), {**form, "file": _workbook(rows)})
        assert response.status_code == 302, response.context["form"].errors
        by_workbook = _outcome(DepartmentRoster.objects.get())
        transaction.set_rollback(True)
    assert not Alert.objects.exists()
    client.logout()

    _token, key = make_token(department=cast.department, scopes=["rosters", "read"])
    response = client.post(
        reverse("api:roster_list"), {**form, "rows": rows}, content_type="application/json", **bearer(key)
    )
    assert response.status_code == 201, response.json()
    by_api = _outcome(DepartmentRoster.objects.get())
    assert by_api == by_workbook
    assert by_api[2] == (4, 2)
    body = response.json()
    assert [r["matched"] for r in body["rows"]] == [True, True, False, False]
    assert body["rows"][0]["township"] == "洋口镇"
    assert "校验" in body["rows"][2]["outcome"] or "身份证" in body["rows"][2]["outcome"]
    # the row results never carry a full ID number
    assert cast.alice_member.id_number not in response.content.decode()
    # the bureau reads the roster's result back
    detail = client.get(reverse("api:roster_detail", kwargs={"roster_pk": body["id"]}), **bearer(key)).json()
    assert detail["matched_count"] == 2 and len(detail["rows"]) == 4


def test_a_token_of_a_township_cannot_push_a_roster(cast, client):
    _token, key = make_token(township=cast.yangkou)
    response = client.post(
        reverse("api:roster_list"),
        {"title": "x", "fact": "disability", "period": "2026-01-31", "rows": _rows(cast)},
        content_type="application/json",
        **bearer(key),
    )
    assert response.status_code == 403
    assert not DepartmentRoster.objects.exists()
