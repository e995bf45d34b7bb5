"""帮扶责任人 in bulk from Excel: the preview names every bad cell, the commit is all or nothing,
only households of the uploader's area, only cadres of the household's township, with history."""

import pytest
from django.urls import reverse

from cadres.models import HouseholdCadre
from exchange import services
from exchange.models import ImportRecord
from tests.exchange.workbooks import build, upload
from tests.factories import HouseholdFactory, MemberFactory, UserFactory

HEADER = ["户编号", "户主身份证号码", "户主姓名", "帮扶责任人姓名", "单位", "联系电话"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def preview(user, path):
    return services.import_preview(record=services.import_upload(user=user, uploaded_file=upload(path), kind="cadres"))


@pytest.fixture
def township(cast):
    """Three more Yangkou households, one of them keyed by its head's ID number."""
    cast.h1 = HouseholdFactory(code="GF-YK-1", head_name="洋口甲", township=cast.yangkou)
    cast.h2 = HouseholdFactory(code="GF-YK-2", head_name="洋口乙", township=cast.yangkou)
    cast.h3 = HouseholdFactory(code="GF-YK-3", head_name="洋口丙", township=cast.yangkou)
    cast.h3_head = MemberFactory(household=cast.h3, name="洋口丙", relation="head")
    return cast


@pytest.mark.django_db
def test_a_township_workbook_assigns_users_and_named_cadres_with_history(township, tmp_path):
    cast = township
    path = build(
        tmp_path / "帮扶责任人.xlsx",
        {
            "结对帮扶": [
                HEADER,
                ["GF-YK-1", "", "洋口甲", "周爱丽", "洋口镇政府", ""],  # Alice's account: linked to her 我的户
                ["GF-YK-2", "", "", "王村干", "洋口村委会", "13911112222"],  # no account: a named cadre
                ["", cast.h3_head.id_number, "", "李站长", "洋口镇农业站", "0793-2612345"],
            ]
        },
        title="洋口镇搬迁户帮扶责任人名单",
    )
    record = preview(cast.alice, path)
    assert (record.status, record.rows_total, record.rows_new, record.rows_invalid) == ("previewed", 3, 3, 0)
    assert not HouseholdCadre.objects.exists()  # the preview writes nothing
    record = services.import_commit(record_id=record.pk, actor=cast.alice)
    assert record.status == ImportRecord.Status.COMMITTED
    cadres = {c.household.code: c for c in HouseholdCadre.objects.select_related("household")}
    assert (cadres["GF-YK-1"].user, cadres["GF-YK-1"].unit) == (cast.alice, "洋口镇政府")
    assert (cadres["GF-YK-2"].user, cadres["GF-YK-2"].phone) == (None, "13911112222")
    assert cadres["GF-YK-3"].name == "李站长"
    history = HouseholdCadre.history.filter(household_id=cast.h2.pk).get()
    assert history.history_user == cast.alice and "帮扶责任人.xlsx" in history.history_change_reason

    again = services.import_commit(record_id=preview(cast.alice, path).pk, actor=cast.alice)
    assert (again.rows_new, again.rows_updated, again.rows_unchanged) == (0, 0, 3)
    assert HouseholdCadre.history.count() == 3


@pytest.mark.django_db
def test_one_bad_row_names_its_cells_and_nothing_is_written(township, tmp_path):
    cast = township
    UserFactory(full_name="吴波二", phone="13700007777", townships=[cast.hengshan])
    path = build(
        tmp_path / "bad.xlsx",
        {
            "名单": [
                HEADER,
                ["GF-YK-1", "", "", "王村干", "洋口村委会", "13911112222"],
                [cast.bob_household.code, "", "", "赵干部", "横山镇政府", "13911113333"],  # outside Alice's area
                ["GF-YK-2", "", "", "吴波二", "横山镇政府", "13700007777"],  # a cadre of another township
                ["GF-YK-3", "", "", "钱干部", "洋口镇政府", "12345"],  # not a phone
                ["GF-YK-1", "", "", "孙干部", "洋口镇政府", "13911114444"],  # household repeated
                ["", "", "", "周干部", "洋口镇政府", "13911115555"],  # no household given
                [cast.alice_household.code, "", "洋口丁", "", "", ""],  # wrong head, no cadre
            ]
        },
    )
    record = preview(cast.alice, path)
    by_row = {}
    for error in record.errors:
        by_row.setdefault(error["row"], []).append((error["column"], error["message"]))
    assert record.rows_invalid == 6 and set(by_row) == {3, 4, 5, 6, 7, 8}
    assert by_row[3][0][0] == "户编号" and "辖区" in by_row[3][0][1]
    assert by_row[4] == [("帮扶责任人姓名", by_row[4][0][1])] and "其他乡镇" in by_row[4][0][1]
    assert by_row[5][0][0] == "联系电话"
    assert by_row[6][0][0] == "户编号" and "第2行" in by_row[6][0][1]
    assert by_row[7][0][0] == "户编号"
    assert {column for column, _m in by_row[8]} == {"户主姓名", "帮扶责任人姓名", "单位"}
    with pytest.raises(services.ImportBlocked):
        services.import_start_commit(record=record, actor=cast.alice)
    assert not HouseholdCadre.objects.exists() and not HouseholdCadre.history.exists()


@pytest.mark.django_db
def test_bob_cannot_touch_a_yangkou_household_by_its_heads_id_number(township, tmp_path):
    cast = township
    path = build(tmp_path / "b.xlsx", {"s": [HEADER, ["", cast.h3_head.id_number, "", "吴波", "横山镇政府", ""]]})
    record = preview(cast.bob, path)
    assert record.rows_invalid == 1 and record.errors[0]["column"] == "户主身份证号码"
    assert cast.h3_head.id_number not in record.errors[0]["message"]  # masked in the message
    assert not HouseholdCadre.objects.exists()


@pytest.mark.django_db
def test_site_staff_are_not_offered_the_cadre_import(cast, client_of, tmp_path):
    row = [cast.alice_household.code, "", "", "王村干", "村委", "13911112222"]
    path = build(tmp_path / "c.xlsx", {"s": [HEADER, row]})
    response = client_of(cast.carol).post(reverse("exchange:import_list"), {"kind": "cadres", "file": upload(path)})
    assert response.status_code in (200, 403)
    assert not ImportRecord.objects.filter(kind="cadres").exists()
    form = client_of(cast.alice).get(reverse("exchange:import_list")).context["form"]
    assert "cadres" in dict(form.fields["kind"].choices)


@pytest.mark.django_db
def test_the_template_has_the_cadre_columns(cast, client_of):
    import io

    from openpyxl import load_workbook

    response = client_of(cast.alice).get(reverse("exchange:import_template", kwargs={"kind": "cadres"}))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header = [c.value for c in book.worksheets[0][1]]
    assert header == ["户编号", "户主身份证号码", "户主", "帮扶责任人姓名", "单位", "联系电话"]
