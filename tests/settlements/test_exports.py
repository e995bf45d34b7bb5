"""Every ledger's workbook: opens, carries the title row (ledger, site, period), the filtered rows, no foreign rows."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AccessLog
from settlements.models import FacilityMaintenance, SafetyHazard
from settlements.services import asset_income_plan_save
from tests.settlements.access import MARKERS
from tests.settlements.factories import HazardFactory, RequestFactory, days_ago, yangkou_rows

pytestmark = pytest.mark.django_db

EXPORTS = ["facility", "maintenance", "hazard", "activity", "dispute", "request", "asset"]


def workbook_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(c for c in row) for row in book.active.iter_rows(values_only=True)]


def flat(rows) -> str:
    return " ".join(str(c) for row in rows for c in row if c is not None)


@pytest.mark.parametrize("name", EXPORTS)
def test_a_workbook_holds_no_foreign_rows(name, cast, client_of):
    texts = MARKERS(cast)[1:]
    FacilityMaintenance.objects.create(
        facility=yangkou_rows(cast)["facility"], date=days_ago(1), problem="x", action="x", done_by="x"
    )
    own = flat(workbook_rows(client_of(cast.alice).get(reverse(f"settlements:{name}_export"))))
    assert [t for t in texts if t in own], "Alice's own workbook should hold her rows (the test can fail)"
    for user in (cast.bob, cast.dave, cast.grace, cast.nobody):
        rows = workbook_rows(client_of(user).get(reverse(f"settlements:{name}_export")))
        assert not [t for t in texts if t in flat(rows)], f"{user.username} exports Yangkou's rows"


def test_the_hazard_workbook_has_a_title_row_and_only_the_filtered_rows(cast, client_of):
    HazardFactory(settlement=cast.yangkou_site, description="燃气泄漏", hazard_type=SafetyHazard.Type.GAS)
    HazardFactory(settlement=cast.yangkou_site, description="电线私拉", hazard_type=SafetyHazard.Type.ELECTRICAL)
    start = days_ago(30).isoformat()

    response = client_of(cast.alice).get(
        reverse("settlements:hazard_export"),
        {"settlement": cast.yangkou_site.pk, "hazard_type": "gas", "date_from": start},
    )
    rows = workbook_rows(response)

    assert rows[0][0] == "安全隐患排查台账"
    assert cast.yangkou_site.name in rows[1][0] and start in rows[1][0]
    assert rows[2][0] == "发现日期" and "整改期限" in rows[2]
    body = [r for r in rows[3:] if any(r)]
    assert len(body) == 1 and "燃气泄漏" in body[0]
    assert AccessLog.objects.filter(user=cast.alice, action="export", rows=1).exists()


def test_request_phones_are_masked_for_users_who_may_not_see_them(cast, client_of):
    RequestFactory(settlement=cast.yangkou_site, requester_phone="13912345678")
    masked = flat(workbook_rows(client_of(cast.frank).get(reverse("settlements:request_export"))))
    full = flat(workbook_rows(client_of(cast.alice).get(reverse("settlements:request_export"))))
    assert "13912345678" not in masked and "139" in masked
    assert "13912345678" in full


def test_the_income_distribution_workbook_shows_every_use_and_the_totals(cast, client_of):
    asset = yangkou_rows(cast)["asset"]
    asset_income_plan_save(
        asset=asset,
        year=2025,
        income=100000,
        distributions={"site_industry": (60000, 20000), "temporary_relief": (10000, 10000)},
    )
    rows = workbook_rows(client_of(cast.alice).get(reverse("settlements:asset_income_export")))
    assert rows[0][0] == "扶贫项目资产收益分配台账"
    header = rows[2]
    assert "安置点产业发展（计划）" in header and "搬迁困难群众临时救助（实际支出）" in header
    data = dict(zip(header, rows[3], strict=False))
    assert data["资产名称"] == asset.name
    assert data["计划合计（元）"] == 70000 and data["支出合计（元）"] == 30000 and data["未分配（元）"] == 30000
    assert not [
        r for r in workbook_rows(client_of(cast.bob).get(reverse("settlements:asset_income_export")))[3:] if any(r)
    ]
