import io

import pytest
from django.urls import reverse
from PIL import Image

from settlements.models import AssetIncome, Facility, FacilityType, HazardPhoto, ResidentRequest, SafetyHazard
from tests.settlements.factories import (
    AssetFactory,
    FacilityFactory,
    HazardFactory,
    RequestFactory,
    days_ago,
    yangkou_rows,
)

pytestmark = pytest.mark.django_db

LEDGERS = [
    ("facility", lambda r: r["facility"].name),
    ("hazard", lambda r: r["hazard"].description),
    ("activity", lambda r: r["activity"].title),
    ("dispute", lambda r: r["dispute"].parties),
    ("request", lambda r: r["request"].content),
    ("asset", lambda r: r["asset"].name),
]


@pytest.mark.parametrize(("name", "marker"), LEDGERS, ids=[n for n, _m in LEDGERS])
def test_each_ledger_shows_its_own_rows_and_hides_the_neighbours(name, marker, cast, client_of):
    text = marker(yangkou_rows(cast))
    row = yangkou_rows(cast)[name]
    detail = reverse(f"settlements:{name}_detail", kwargs={f"{name}_pk": row.pk})

    for user in (cast.alice, cast.carol, cast.frank):
        client = client_of(user)
        assert text in client.get(reverse(f"settlements:{name}_list")).content.decode()
        assert client.get(detail).status_code == 200
    for user in (cast.bob, cast.dave, cast.grace):
        client = client_of(user)
        assert text not in client.get(reverse(f"settlements:{name}_list")).content.decode()
        assert client.get(detail).status_code == 404
        assert client.get(reverse(f"settlements:{name}_edit", kwargs={f"{name}_pk": row.pk})).status_code in (403, 404)


def test_an_empty_ledger_says_so(cast, client_of):
    body = client_of(cast.alice).get(reverse("settlements:hazard_list")).content.decode()
    assert "本台账尚无记录" in body


def test_a_hazard_is_recorded_from_the_form_with_a_household_code(cast, client_of):
    response = client_of(cast.carol).post(
        reverse("settlements:hazard_create"),
        {
            "settlement": cast.yangkou_site.pk,
            "household_code": cast.alice_household.code.lower(),
            "hazard_type": "gas",
            "severity": "serious",
            "description": "燃气管道老化",
            "found_on": days_ago(1).isoformat(),
            "found_by": "社区网格员",
            "responsible_unit": "燃气公司",
            "deadline": days_ago(-7).isoformat(),
        },
    )
    hazard = SafetyHazard.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/hazards/{hazard.pk}/")
    assert hazard.household == cast.alice_household and hazard.created_by == cast.carol
    assert hazard.alert_id is not None


def test_a_hazard_cannot_be_put_at_a_foreign_site_or_household(cast, client_of):
    response = client_of(cast.carol).post(
        reverse("settlements:hazard_create"),
        {
            "settlement": cast.hengshan_site.pk,
            "household_code": cast.bob_household.code,
            "hazard_type": "fire",
            "severity": "general",
            "description": "x",
            "found_on": days_ago(1).isoformat(),
            "found_by": "x",
            "responsible_unit": "x",
            "deadline": days_ago(-7).isoformat(),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and not SafetyHazard.objects.exists()
    assert "您的辖区内没有此户编码" in body
    assert "选择一个有效的选项" in body


def test_a_photo_is_uploaded_and_served_only_within_the_scope(cast, client_of, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    hazard = HazardFactory(settlement=cast.yangkou_site)
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, "JPEG")
    image.name = "现场.jpg"
    image.seek(0)

    response = client_of(cast.carol).post(
        reverse("settlements:hazard_photo_add", kwargs={"hazard_pk": hazard.pk}),
        {"image": image, "stage": "found", "caption": "通道"},
    )
    assert response.status_code == 302
    photo = HazardPhoto.objects.get()
    url = reverse("settlements:hazard_photo", kwargs={"hazard_pk": hazard.pk, "photo_pk": photo.pk})
    ok = client_of(cast.alice).get(url)
    assert ok.status_code == 200 and b"".join(ok.streaming_content)[:2] == b"\xff\xd8"
    assert client_of(cast.dave).get(url).status_code == 404


def test_bureau_staff_see_and_answer_only_the_requests_assigned_to_them(cast, client_of):
    mine = RequestFactory(
        settlement=cast.yangkou_site, content="就业岗位咨询", assigned_department=cast.department, deadline=days_ago(-3)
    )
    RequestFactory(settlement=cast.yangkou_site, content="楼道照明")
    client = client_of(cast.erin)

    body = client.get(reverse("settlements:request_list")).content.decode()
    assert "就业岗位咨询" in body and "楼道照明" not in body
    assert client.get(reverse("settlements:request_edit", kwargs={"request_pk": mine.pk})).status_code == 403
    response = client.post(
        reverse("settlements:request_answer", kwargs={"request_pk": mine.pk}),
        {"answer": "已推荐三个岗位", "answered_on": days_ago(0).isoformat()},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == ResidentRequest.Status.ANSWERED and mine.answered_by == cast.erin


def test_an_income_plan_over_the_income_is_refused_on_the_page(cast, client_of):
    asset = AssetFactory(settlement=cast.yangkou_site)
    data = {"year": 2025, "income": "80000", "planned_site_industry": "50000", "planned_staff_pay": "40000"}
    response = client_of(cast.alice).post(reverse("settlements:asset_income_edit", kwargs={"asset_pk": asset.pk}), data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "90,000.00" in body and "80,000.00" in body and "超过" in body
    assert not AssetIncome.objects.exists()


def test_the_site_page_lists_missing_facility_types_and_the_ledger_panels(cast, client_of):
    FacilityFactory(settlement=cast.yangkou_site, facility_type=FacilityType.WATER)
    FacilityFactory(settlement=cast.yangkou_site, facility_type=FacilityType.FIRE, status=Facility.Status.NEEDS_REPAIR)
    HazardFactory(settlement=cast.yangkou_site, found_on=days_ago(9), deadline=days_ago(2))

    body = (
        client_of(cast.alice)
        .get(reverse("settlements:settlement_detail", kwargs={"settlement_pk": cast.yangkou_site.pk}))
        .content.decode()
    )

    assert "应有而未登记的设施类型" in body
    assert str(FacilityType.BUS_STOP.label) in body and str(FacilityType.CAMERAS.label) in body
    assert "供水、排水" not in body.split("应有而未登记的设施类型")[1].split("</div>")[0]
    assert "逾期 1" in body


def test_the_print_view_carries_the_ledger_title_site_and_rows(cast, client_of):
    yangkou_rows(cast)
    response = client_of(cast.carol).get(reverse("settlements:hazard_print"), {"settlement": cast.yangkou_site.pk})
    body = response.content.decode()
    assert "安全隐患排查台账" in body and cast.yangkou_site.name in body and "洋口隐患标记" in body
    assert "print.css" in body and "<script>" not in body


def test_a_maintenance_record_is_added_to_the_facility_log_and_history(cast, client_of):
    facility = FacilityFactory(settlement=cast.yangkou_site)
    client = client_of(cast.carol)
    response = client.post(
        reverse("settlements:maintenance_create", kwargs={"facility_pk": facility.pk}),
        {
            "date": days_ago(1).isoformat(),
            "problem": "水泵异响",
            "action": "更换轴承",
            "cost": "350",
            "done_by": "维修队",
        },
    )
    assert response.status_code == 302
    body = client.get(reverse("settlements:facility_detail", kwargs={"facility_pk": facility.pk})).content.decode()
    assert "更换轴承" in body and "管护记录" in body
    log = client.get(reverse("settlements:maintenance_list")).content.decode()
    assert "水泵异响" in log
