"""安置方式 (集中安置 / 分散安置 with sub-kinds) beside 安置房类型, in imports, the form and the migration."""

import importlib

import pytest
from django.apps import apps

from exchange import services
from relocation.models import Household
from tests.exchange.workbooks import build, upload
from tests.factories import HouseholdFactory, SettlementFactory

HEADER = ["户编号", "户主姓名", "户类型", "乡镇", "安置点", "安置方式", "具体安置方式", "安置房类型", "搬迁年度"]
RS, RK = Household.Resettlement, Household.ResettlementKind


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def preview(user, path):
    return services.import_preview(
        record=services.import_upload(user=user, uploaded_file=upload(path), kind="households")
    )


def row(code, resettlement="", kind="", *, site="洋口安置小区", housing="套房"):
    return [code, "张三", "建档立卡搬迁户", "洋口镇", site, resettlement, kind, housing, 2019]


@pytest.mark.django_db
def test_resettlement_form_and_sub_kind_are_read_from_the_forms_the_county_ledgers_use(cast, tmp_path):
    rows = [
        HEADER,
        row("GF-S-1", "集中安置"),
        row("GF-S-2", "插花安置", site=""),  # a sub-kind in 安置方式 names its form
        row("GF-S-3", "分散安置", "投亲靠友", site="", housing="一户一宅"),
        row("GF-S-4", "", "依托小城镇或工业园区安置"),
        row("GF-S-5"),  # blank: on a site, so 集中安置
        row("GF-S-6", site=""),  # blank, no site: 分散安置
    ]
    record = preview(cast.alice, build(tmp_path / "s.xlsx", {"户": rows}))
    assert record.errors == [] and record.rows_new == 6
    services.import_commit(record_id=record.pk, actor=cast.alice)
    got = {
        h.code: (h.resettlement, h.resettlement_kind, h.placement)
        for h in Household.objects.filter(code__startswith="GF-S-")
    }
    assert got == {
        "GF-S-1": (RS.CENTRALISED, "", Household.Placement.APARTMENT),
        "GF-S-2": (RS.DISPERSED, RK.SCATTERED, Household.Placement.APARTMENT),
        "GF-S-3": (RS.DISPERSED, RK.RELATIVES, Household.Placement.HOMESTEAD),
        "GF-S-4": (RS.CENTRALISED, RK.TOWN_OR_PARK, Household.Placement.APARTMENT),
        "GF-S-5": (RS.CENTRALISED, "", Household.Placement.APARTMENT),
        "GF-S-6": (RS.DISPERSED, "", Household.Placement.APARTMENT),
    }


@pytest.mark.django_db
def test_a_dwelling_kind_under_the_header_resettlement_form_and_conflicting_sub_kinds_are_named(cast, tmp_path):
    rows = [HEADER, row("GF-X-1", "套房"), row("GF-X-2", "集中安置", "插花安置"), row("GF-X-3", "投亲靠友", "插花安置")]
    record = preview(cast.alice, build(tmp_path / "t.xlsx", {"户": rows}))
    errors = {(e["row"], e["column"]): e["message"] for e in record.errors}
    assert set(errors) == {(2, "安置方式"), (3, "具体安置方式"), (4, "具体安置方式")}
    assert "安置房类型" in errors[(2, "安置方式")]
    assert "分散安置" in errors[(3, "具体安置方式")]
    assert not Household.objects.filter(code__startswith="GF-X-").exists()


@pytest.mark.django_db
def test_a_blank_resettlement_form_keeps_what_staff_entered_and_a_new_form_drops_a_foreign_sub_kind(cast, tmp_path):
    household = HouseholdFactory(
        code="GF-U-1",
        head_name="张三",
        township=cast.yangkou,
        settlement=None,
        relocation_year=2019,
        resettlement=RS.DISPERSED,
        resettlement_kind=RK.RELATIVES,
    )
    same = build(tmp_path / "u1.xlsx", {"户": [HEADER[:5] + HEADER[7:], [*row("GF-U-1", site="")[:5], "套房", 2019]]})
    record = preview(cast.alice, same)
    assert record.errors == [] and record.rows_unchanged == 1
    moved = build(tmp_path / "u2.xlsx", {"户": [HEADER, row("GF-U-1", "集中安置")]})
    services.import_commit(record_id=preview(cast.alice, moved).pk, actor=cast.alice)
    household.refresh_from_db()
    assert (household.resettlement, household.resettlement_kind) == (RS.CENTRALISED, "")
    assert household.history.first().history_change_reason == "Excel导入：u2.xlsx"


@pytest.mark.django_db
def test_the_migration_gives_households_on_a_site_centralised_and_the_others_dispersed(cast):
    dispersed_site = SettlementFactory(township=cast.yangkou, kind="dispersed")
    on_site = HouseholdFactory(township=cast.yangkou, settlement=cast.yangkou_site)
    scattered = HouseholdFactory(township=cast.yangkou, settlement=dispersed_site)
    alone = HouseholdFactory(township=cast.yangkou, settlement=None)
    Household.objects.update(resettlement="")
    migration = importlib.import_module("relocation.migrations.0004_resettlement_form_and_housing_type")
    migration.set_resettlement(apps, None)
    assert Household.objects.get(pk=on_site.pk).resettlement == RS.CENTRALISED
    assert Household.objects.get(pk=scattered.pk).resettlement == RS.DISPERSED
    assert Household.objects.get(pk=alone.pk).resettlement == RS.DISPERSED
    assert on_site.history.first().resettlement == RS.CENTRALISED


@pytest.mark.django_db
def test_the_form_refuses_a_sub_kind_of_the_other_form(cast):
    from django.core.exceptions import ValidationError

    household = HouseholdFactory(township=cast.yangkou, resettlement=RS.CENTRALISED, resettlement_kind=RK.SCATTERED)
    with pytest.raises(ValidationError) as caught:
        household.full_clean()
    assert "resettlement_kind" in caught.value.message_dict
