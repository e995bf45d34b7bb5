"""A roster as township staff keep one: title and filler rows, merged cells, the national system's
words, 户主身份证号码 on the household sheet, 搬迁入住时间 instead of 搬迁年度, no 户编号, and a summary
column that disagrees with the members."""

import shutil
import subprocess

import openpyxl
import pytest

from exchange import services
from relocation.models import Household, Member
from tests.exchange.workbooks import fresh_id_number, upload
from tests.factories import HouseholdFactory, MemberFactory

HOUSEHOLDS = ["序号", "户主姓名", "户主身份证号码", "搬迁类型", "乡镇", "安置点", "安置方式", "安置房类型",
              "搬迁入住时间", "家庭人口", "联系电话"]  # fmt: skip
MEMBERS = ["序号", "户主身份证号码", "姓名", "身份证号码", "与户主关系", "劳动技能", "健康状况", "务工状况"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def preview(user, path, kind="households"):
    return services.import_preview(record=services.import_upload(user=user, uploaded_file=upload(path), kind=kind))


def township_roster(path, cast, *, known_head):
    """Three households: two new, one already in the portal (matched on its head's ID number)."""
    heads = [fresh_id_number(), fresh_id_number(), known_head]
    spouse, child = fresh_id_number(), fresh_id_number()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "搬迁户花名册"
    sheet.append(["洋口镇易地扶贫搬迁户花名册"])
    sheet.merge_cells("A1:K1")
    sheet.append(["填报单位：洋口镇人民政府", None, None, None, None, None, None, None, "填报日期：2026年11月"])
    sheet.append(HOUSEHOLDS)
    sheet.append([1, "李 四", heads[0], "建档立卡（搬迁）户", "洋口镇", "洋口安置小区", "集中安置", "套房",
                  "2019年12月", 3, "13912345678"])  # fmt: skip
    sheet.append([2, "王五", heads[1], "随迁户", "洋口镇", None, "插花安置", "一户一宅", "2020/3/15", 1, None])
    sheet.append([3, "赵六", heads[2], "脱贫户", "洋口镇", "洋口安置小区", "集中安置", "套房", "2018-06-01", 1, None])
    sheet.append([])
    sheet.append(["合计：3户"])
    sheet.merge_cells("A8:C8")
    members = book.create_sheet("家庭成员")
    members.append(["洋口镇搬迁户家庭成员信息表"])
    members.merge_cells("A1:H1")
    members.append(MEMBERS)
    members.append([1, heads[0], "李四", heads[0], "户主", "普通劳动力", "健康", "县内务工"])
    members.append([2, heads[0], "张梅", spouse, "之配偶", "弱劳动力或半劳动力", "长期慢性病", "未务工"])
    members.append([3, heads[0], "李小", child, "之子", "无劳动力", "健康", "未务工"])
    members.append([4, heads[1], "王五", heads[1], "户主", "技能劳动力", "健康", "省外务工"])
    members.append([5, heads[2], "赵六", heads[2], "户主", "丧失劳动力", "患有大病", "未务工"])
    book.save(path)
    return heads


@pytest.fixture
def known(cast):
    household = HouseholdFactory(
        code="GF-K-1", head_name="赵六", township=cast.yangkou, settlement=cast.yangkou_site, relocation_year=2018
    )
    head = MemberFactory(household=household, name="赵六", relation="head", id_number=fresh_id_number())
    MemberFactory(household=household, relation="spouse", id_number=fresh_id_number())
    return household, head


def assert_imported_as_township_staff_expect(record, cast, heads, known):
    household, _head = known
    assert record.errors == [], record.errors
    assert (record.rows_new, record.rows_invalid) == (2 + 4, 0)  # two households; their four members
    sheet = record.sheets[0]
    assert sheet["header_row"] == 3
    # 赵六's household is matched on the head's ID number; the other two get the township's codes.
    assert [c["head"] for c in sheet["new_codes"]] == ["李四", "王五"]
    codes = [c["code"] for c in sheet["new_codes"]]
    assert codes == [f"{cast.yangkou.code}-00001", f"{cast.yangkou.code}-00002"]
    # 家庭人口 says 1 for 赵六, whose household has two members: a warning naming both figures.
    assert sheet["warning_count"] == 1
    assert sheet["warnings"][0]["row"] == 6 and "1" in sheet["warnings"][0]["message"]
    assert "2" in sheet["warnings"][0]["message"]
    services.import_commit(record_id=record.pk, actor=cast.alice)
    li = Household.objects.get(code=codes[0])
    assert (li.head_name, li.household_type, li.relocation_year) == ("李四", Household.Type.LIFTED, 2019)
    assert (li.resettlement, li.placement) == (Household.Resettlement.CENTRALISED, Household.Placement.APARTMENT)
    wang = Household.objects.get(code=codes[1])
    assert wang.household_type == Household.Type.ALONGSIDE and wang.relocation_year == 2020
    assert (wang.resettlement, wang.resettlement_kind) == ("dispersed", Household.ResettlementKind.SCATTERED)
    assert sorted(li.members.values_list("relation", "labour_capacity", "health")) == [
        ("head", "ordinary", "healthy"),
        ("son", "none", "healthy"),
        ("spouse", "weak", "chronic"),
    ]
    assert Member.objects.get(id_number=heads[2]).household == household
    assert household.members.count() == 2


@pytest.mark.django_db
def test_a_township_roster_imports_with_only_the_expected_warning(cast, tmp_path, known):
    path = tmp_path / "洋口镇花名册.xlsx"
    heads = township_roster(path, cast, known_head=known[1].id_number)
    assert_imported_as_township_staff_expect(preview(cast.alice, path), cast, heads, known)


def soffice_convert(path, to, out_dir):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed here; CI installs it")
    out_dir.mkdir(exist_ok=True)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{out_dir}/profile", "--headless", "--convert-to", to,
         "--outdir", str(out_dir), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return out_dir / f"{path.stem}.{to.split(':')[0]}"


@pytest.mark.django_db
def test_the_same_roster_saved_again_by_libreoffice_imports_the_same(cast, tmp_path, known):
    original = tmp_path / "roster.xlsx"
    heads = township_roster(original, cast, known_head=known[1].id_number)
    resaved = soffice_convert(original, "xlsx", tmp_path / "lo")
    assert resaved.read_bytes() != original.read_bytes()
    assert_imported_as_township_staff_expect(preview(cast.alice, resaved), cast, heads, known)


@pytest.mark.django_db
def test_household_sheet_head_id_disagreeing_with_the_member_sheet_is_an_invalid_row_naming_both(cast, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["户编号", "户主姓名", "户主身份证号码", "户类型", "乡镇", "安置房类型", "搬迁年度"])
    head, other = fresh_id_number(), fresh_id_number()
    sheet.append(["GF-D-1", "李四", head, "脱贫户", "洋口镇", "套房", 2019])
    members = book.create_sheet("成员")
    members.append(["户编号", "姓名", "身份证号码", "与户主关系", "劳动能力"])
    members.append(["GF-D-1", "李四", other, "户主", "普通劳动力"])
    book.save(tmp_path / "d.xlsx")
    record = preview(cast.alice, tmp_path / "d.xlsx")
    # The household row is invalid (its member row then has no household to join, which says so too).
    first = record.errors[0]
    assert (first["sheet"], first["row"], first["column"]) == ("Sheet", 2, "户主身份证号码")
    assert head in record.errors[0]["message"] and other in record.errors[0]["message"]
    assert "成员" in record.errors[0]["message"]
    assert not Household.objects.filter(code="GF-D-1").exists()


@pytest.mark.django_db
def test_without_a_member_sheet_the_head_id_creates_the_head_member_or_matches_it(cast, tmp_path, known):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["户编号", "户主姓名", "户主身份证号码", "户类型", "乡镇", "安置房类型", "搬迁年度"])
    new_head = fresh_id_number()
    sheet.append(["GF-H-1", "李四", new_head, "脱贫户", "洋口镇", "套房", 2019])
    sheet.append(["GF-K-1", "赵六", known[1].id_number, "脱贫户", "洋口镇", "套房", 2018])
    sheet.append(["GF-H-2", "孙七", 361122198001010010, "脱贫户", "洋口镇", "套房", 2019])
    book.save(tmp_path / "h.xlsx")
    record = preview(cast.alice, tmp_path / "h.xlsx")
    # A head's ID number typed as a number has lost its last digits: refused as on the member sheet.
    assert [(e["row"], e["column"]) for e in record.errors] == [(4, "户主身份证号码")]
    assert "数字" in record.errors[0]["message"] or "number" in record.errors[0]["message"]
    sheet.delete_rows(4)
    book.save(tmp_path / "h.xlsx")
    record = preview(cast.alice, tmp_path / "h.xlsx")
    assert record.errors == []
    services.import_commit(record_id=record.pk, actor=cast.alice)
    head = Member.objects.get(id_number=new_head)
    assert (head.household.code, head.name, head.relation) == ("GF-H-1", "李四", "head")
    assert Member.objects.filter(household=known[0]).count() == 2  # 赵六 matched, nothing added


@pytest.mark.django_db
def test_a_head_id_registered_in_another_household_is_refused(cast, tmp_path, known):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["户编号", "户主姓名", "户主身份证号码", "户类型", "乡镇", "安置房类型", "搬迁年度"])
    sheet.append(["GF-H-9", "赵六", known[1].id_number, "脱贫户", "洋口镇", "套房", 2019])
    book.save(tmp_path / "o.xlsx")
    record = preview(cast.alice, tmp_path / "o.xlsx")
    assert [(e["row"], e["column"]) for e in record.errors] == [(2, "户主身份证号码")]
    assert "GF-K-1" in record.errors[0]["message"]


@pytest.mark.django_db
def test_the_preview_page_lists_the_new_codes_and_the_summary_warning(cast, tmp_path, known, client_of):
    from django.urls import reverse

    path = tmp_path / "r.xlsx"
    township_roster(path, cast, known_head=known[1].id_number)
    record = preview(cast.alice, path)
    page = client_of(cast.alice).get(reverse("exchange:import_detail", kwargs={"record_pk": record.pk}))
    html = page.content.decode()
    assert f"{cast.yangkou.code}-00001" in html and f"{cast.yangkou.code}-00002" in html
    assert "家庭人口”填的是 1，该户家庭成员为 2 人" in html


@pytest.mark.django_db
@pytest.mark.parametrize("to", ["xls:MS Excel 97", "ods"])
def test_an_xls_or_ods_of_the_same_roster_imports_the_same(cast, tmp_path, known, to):
    original = tmp_path / "roster.xlsx"
    heads = township_roster(original, cast, known_head=known[1].id_number)
    converted = soffice_convert(original, to, tmp_path / "lo")
    assert converted.suffix in (".xls", ".ods") and converted.exists()
    record = preview(cast.alice, converted)
    assert record.file.name.endswith(converted.suffix)
    assert_imported_as_township_staff_expect(record, cast, heads, known)


@pytest.mark.django_db
def test_a_wps_et_file_is_refused_with_how_to_save_it_as_xlsx(cast, tmp_path):
    path = tmp_path / "花名册.et"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    record = preview(cast.alice, path)
    assert record.status == "rejected"
    assert "另存为" in record.message and ".xlsx" in record.message


@pytest.mark.django_db
def test_an_ods_reaching_too_far_down_is_refused_before_it_is_read(cast, tmp_path, settings):
    settings.EXCHANGE_MAX_ROWS = 5
    original = tmp_path / "roster.xlsx"
    township_roster(original, cast, known_head=fresh_id_number())
    converted = soffice_convert(original, "ods", tmp_path / "lo")
    record = preview(cast.alice, converted)
    assert record.status == "rejected" and "5" in record.message


@pytest.mark.django_db
def test_columns_the_portal_does_not_know_are_listed_per_sheet_not_dropped_silently(cast, tmp_path, client_of):
    from django.urls import reverse

    path = tmp_path / "r.xlsx"
    township_roster(path, cast, known_head=fresh_id_number())
    book = openpyxl.load_workbook(path)
    book["搬迁户花名册"]["L3"] = "帮扶责任人"
    book.save(path)
    record = preview(cast.alice, path)
    assert record.sheets[0]["unrecognised"] == ["序号", "帮扶责任人"]
    assert record.sheets[1]["unrecognised"] == ["序号"]
    html = client_of(cast.alice).get(reverse("exchange:import_detail", kwargs={"record_pk": record.pk})).content
    assert "帮扶责任人" in html.decode()


def _roster_with_unknown_columns(path, cast):
    """The township roster, its phone column headed 手机 号 码（户主） and a 帮扶责任人 column."""
    township_roster(path, cast, known_head=fresh_id_number())
    book = openpyxl.load_workbook(path)
    sheet = book["搬迁户花名册"]
    sheet["K3"] = "户主手机"
    sheet["L3"] = "帮扶责任人"
    sheet["L4"] = "刘干部"
    book.save(path)


@pytest.mark.django_db
def test_an_unknown_column_mapped_in_the_preview_is_read_and_remembered_for_the_township(cast, tmp_path, client_of):
    from django.urls import reverse

    from exchange.models import ColumnMapping

    path = tmp_path / "r.xlsx"
    _roster_with_unknown_columns(path, cast)
    record = preview(cast.alice, path)
    sheet = record.sheets[0]
    assert sheet["unrecognised"] == ["序号", "户主手机", "帮扶责任人"]
    assert "phone" in dict(sheet["fields"])
    client = client_of(cast.alice)
    url = reverse("exchange:import_map_columns", kwargs={"record_pk": record.pk})
    detail = reverse("exchange:import_detail", kwargs={"record_pk": record.pk})
    assert url in client.get(detail).content.decode()  # the 「这一列是…」 form
    client.post(url, {"map-0-1": "phone"})
    record.refresh_from_db()
    assert record.status == "previewed" and record.sheets[0]["unrecognised"] == ["序号", "帮扶责任人"]
    assert record.sheets[0]["mapped"] == {"户主手机": "phone"}
    assert ColumnMapping.objects.get(township=cast.yangkou).columns == {"户主手机": "phone"}
    services.import_commit(record_id=record.pk, actor=cast.alice)
    assert Household.objects.get(head_name="李四").phone == "13912345678"
    # The next upload of a workbook with the same header row reads the column at once.
    again = tmp_path / "again.xlsx"
    _roster_with_unknown_columns(again, cast)
    assert preview(cast.alice, again).sheets[0]["mapped"] == {"户主手机": "phone"}
    # Another township's staff do not inherit Yangkou's mapping.
    assert ColumnMapping.for_user(cast.bob) == {}


@pytest.mark.django_db
def test_two_columns_mapped_to_one_field_or_to_a_field_the_sheet_has_are_refused(cast, tmp_path, client_of):
    from django.urls import reverse

    from exchange.models import ColumnMapping

    path = tmp_path / "r.xlsx"
    _roster_with_unknown_columns(path, cast)
    record = preview(cast.alice, path)
    with pytest.raises(services.ImportBlocked, match="户主手机"):
        choices = {(0, "户主手机"): "phone", (0, "帮扶责任人"): "phone"}
        services.map_columns(record=record, user=cast.alice, choices=choices)
    with pytest.raises(services.ImportBlocked):
        services.map_columns(record=record, user=cast.alice, choices={(0, "帮扶责任人"): "head_name"})
    url = reverse("exchange:import_map_columns", kwargs={"record_pk": record.pk})
    response = client_of(cast.alice).post(url, {"map-0-1": "phone", "map-0-2": "phone"}, follow=True)
    assert "不能同时" in response.content.decode() or "cannot both" in response.content.decode()
    assert not ColumnMapping.objects.exists()
    # Only the user who uploaded the workbook maps its columns.
    assert client_of(cast.bob).post(url, {"map-0-1": "phone"}).status_code == 404
