"""The five site ledgers and employment records from Excel (issue 19, item 9): per kind a good file,
a file with one bad row (nothing written; the error names row, column and what is wrong, in
Chinese), a re-import that changes nothing; the template, the command line and the scope."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from assistance.models import EmploymentRecord
from exchange import services
from relocation.models import Member
from settlements.models import CommunityActivity, Facility, ProjectAsset, ResidentRequest, SafetyHazard
from tests.exchange.workbooks import build, upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def day(n: int) -> str:
    """n days ago, as township staff write a date."""
    return (timezone.localdate() - datetime.timedelta(days=n)).strftime("%Y/%m/%d")


def preview(user, path, kind):
    return services.import_preview(record=services.import_upload(user=user, uploaded_file=upload(path), kind=kind))


# kind -> (model, header, [good row, good row], (row index to spoil, column, bad value, expected words))
CASES = {
    "facilities": (
        Facility,
        ["安置点", "设施类型", "设施名称", "位置", "运行状态", "管护单位", "是否移交", "建成年份"],
        [
            ["洋口安置小区", "供排水管网", "1号泵房", "小区东门", "正常使用", "洋口镇自来水厂", "是", 2019],
            ["洋口安置小区", "天网", "监控探头", "", "待维修", "派出所", "否", ""],
        ],
        (1, "设施类型", "路灯杆", "不在可选项中"),
    ),
    "hazards": (
        SafetyHazard,
        ["安置点", "户编号", "隐患类型", "严重程度", "隐患描述", "排查日期", "排查人", "责任单位", "整改期限"],
        [
            ["洋口安置小区", "", "消防", "一般", "3栋灭火器过期", day(30), "李四", "安监站", day(10)],
            ["洋口安置小区", "{household}", "用电", "较大", "私拉电线充电", day(20), "李四", "供电所", day(5)],
        ],
        (0, "整改期限", day(40), "整改期限不能早于"),
    ),
    "activities": (
        CommunityActivity,
        ["安置点", "活动类型", "活动名称", "活动日期", "组织单位", "参加人数", "活动内容"],
        [
            ["洋口安置小区", "技能培训", "家政培训", day(15), "人社所", 30, "家政服务"],
            ["洋口安置小区", "三讲一评", "感恩教育", day(8), "社区", 50, ""],
        ],
        (1, "参加人数", "很多", "整数"),
    ),
    "requests": (
        ResidentRequest,
        ["安置点", "户编号", "诉求人", "联系电话", "诉求渠道", "受理日期", "诉求内容", "办理状态", "答复内容"],
        [
            [
                "洋口安置小区",
                "{household}",
                "洋口户主周一",
                "13900000000",
                "来访",
                day(9),
                "楼道灯不亮",
                "已办结",
                "已修好",
            ],
            ["洋口安置小区", "", "王五", "", "12345热线", day(3), "想找工作", "已受理", ""],
        ],
        (0, "答复内容", "", "答复"),
    ),
    "assets": (
        ProjectAsset,
        ["安置点", "资产名称", "资产类别", "产权归属", "管护主体", "资产价值", "建成年份", "状态"],
        [
            ["洋口安置小区", "帮扶车间一期", "帮扶车间", "洋口镇人民政府", "某制衣厂", "1200000.50", 2020, "运营"],
            ["洋口安置小区", "光伏电站", "基础设施", "洋口镇人民政府", "供电所", 300000, "", "闲置"],
        ],
        (1, "资产价值", "-5", "不能小于"),
    ),
    "employment": (
        EmploymentRecord,
        ["身份证号码", "姓名", "就业类型", "就业单位", "岗位", "开始日期", "结束日期", "月收入"],
        [
            ["{id_number}", "{name}", "县内务工", "广丰制衣厂", "车工", day(200), day(100), 3000],
            ["{id_number}", "{name}", "省外务工", "宁波电子厂", "", day(90), "", 5200],
        ],
        (1, "开始日期", (timezone.localdate() + datetime.timedelta(days=3)).isoformat(), "开始日期晚于今天"),
    ),
}


def rows_of(kind, cast, spoil=False):
    _model, header, rows, bad = CASES[kind]
    fill = {
        "{household}": cast.alice_household.code,
        "{id_number}": cast.alice_member.id_number,
        "{name}": cast.alice_member.name,
    }
    rows = [[fill.get(c, c) if isinstance(c, str) else c for c in row] for row in rows]
    if spoil:
        index, column, value, _words = bad
        rows[index][header.index(column)] = value
    return [header, *rows]


def state(model):
    return sorted(model.objects.values_list("pk", flat=True)), model.history.count()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(CASES))
def test_a_good_ledger_file_imports_with_history_and_the_importer(kind, cast, tmp_path):
    model = CASES[kind][0]
    path = build(tmp_path / f"{kind}.xlsx", {"台账": rows_of(kind, cast)})
    record = preview(cast.alice, path, kind)
    assert record.errors == [] and (record.rows_total, record.rows_new) == (2, 2)
    assert model.objects.count() == 0, "the preview writes nothing"
    services.import_commit(record_id=record.pk, actor=cast.alice)
    assert model.objects.count() == 2
    assert set(model.history.values_list("history_user_id", flat=True)) == {cast.alice.pk}
    author = "recorded_by_id" if model is EmploymentRecord else "created_by_id"
    assert set(model.objects.values_list(author, flat=True)) == {cast.alice.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(CASES))
def test_one_bad_row_writes_nothing_and_is_named_in_chinese(kind, cast, tmp_path):
    model, _header, _rows, (index, column, _value, words) = CASES[kind]
    path = build(tmp_path / f"{kind}.xlsx", {"台账": rows_of(kind, cast, spoil=True)})
    before = state(model)
    record = preview(cast.alice, path, kind)
    assert record.rows_invalid == 1
    assert [(e["sheet"], e["row"], e["column"]) for e in record.errors] == [("台账", index + 2, column)]
    assert words in record.errors[0]["message"], record.errors[0]["message"]
    with pytest.raises(services.ImportBlocked):
        services.import_start_commit(record=record, actor=cast.alice)
    assert state(model) == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(CASES))
def test_the_same_ledger_file_again_changes_nothing(kind, cast, tmp_path):
    model = CASES[kind][0]
    path = build(tmp_path / f"{kind}.xlsx", {"台账": rows_of(kind, cast)})
    services.import_commit(record_id=preview(cast.alice, path, kind).pk, actor=cast.alice)
    after_first = state(model)
    again = services.import_commit(record_id=preview(cast.alice, path, kind).pk, actor=cast.alice)
    assert (again.rows_new, again.rows_updated, again.rows_unchanged) == (0, 0, 2)
    assert state(model) == after_first


@pytest.mark.django_db
def test_a_changed_cell_updates_that_record_only(cast, tmp_path):
    rows = rows_of("assets", cast)
    services.import_commit(
        record_id=preview(cast.alice, build(tmp_path / "a.xlsx", {"资产": rows}), "assets").pk, actor=cast.alice
    )
    rows[2][7] = "运营"
    record = services.import_commit(
        record_id=preview(cast.alice, build(tmp_path / "b.xlsx", {"资产": rows}), "assets").pk, actor=cast.alice
    )
    assert (record.rows_new, record.rows_updated, record.rows_unchanged) == (0, 1, 1)
    assert ProjectAsset.objects.get(name="光伏电站").status == "operating"


@pytest.mark.django_db
def test_employment_import_makes_the_member_employed(cast, tmp_path):
    Member.objects.filter(pk=cast.alice_member.pk).update(employment="not_employed")
    path = build(tmp_path / "e.xlsx", {"就业": rows_of("employment", cast)})
    services.import_commit(record_id=preview(cast.alice, path, "employment").pk, actor=cast.alice)
    member = Member.objects.get(pk=cast.alice_member.pk)
    assert (member.employment, member.employer) == ("outside", "宁波电子厂")


@pytest.mark.django_db
def test_a_site_or_member_of_another_township_is_refused(cast, tmp_path):
    rows = rows_of("facilities", cast)
    rows[1][0] = "横山安置点"
    record = preview(cast.alice, build(tmp_path / "f.xlsx", {"设施": rows}), "facilities")
    assert [(e["row"], e["column"]) for e in record.errors] == [(2, "安置点")]
    assert "横山安置点" in record.errors[0]["message"] and "您" in record.errors[0]["message"]
    rows = rows_of("employment", cast)
    rows[1][0], rows[1][1] = cast.bob_member.id_number, cast.bob_member.name
    record = preview(cast.alice, build(tmp_path / "e.xlsx", {"就业": rows}), "employment")
    assert [e["row"] for e in record.errors] == [2] and record.errors[0]["column"] == "身份证号码"
    assert cast.bob_member.id_number not in record.errors[0]["message"], "ID numbers are masked in messages"


@pytest.mark.django_db
def test_a_hazard_at_a_household_of_another_site_is_refused(cast, tmp_path):
    rows = rows_of("hazards", cast)
    rows[2][1] = cast.bob_household.code
    record = preview(cast.admin, build(tmp_path / "h.xlsx", {"隐患": rows}), "hazards")
    assert [(e["row"], e["column"]) for e in record.errors] == [(3, "户编号")]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(CASES))
def test_each_ledger_kind_has_a_template_that_imports_once_filled(kind, cast, client_of, tmp_path):
    response = client_of(cast.alice).get(reverse("exchange:import_template", kwargs={"kind": kind}))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    first = book.worksheets[0]
    assert first["A1"].value == ("身份证号" if kind == "employment" else "安置点")
    assert first.data_validations.dataValidation, "drop-down lists for choice columns"
    assert "填写说明" in book.sheetnames


@pytest.mark.django_db
def test_the_command_line_imports_a_ledger_kind(cast, tmp_path):
    path = build(tmp_path / "c.xlsx", {"活动": rows_of("activities", cast)})
    out = io.StringIO()
    call_command("import_workbook", str(path), kind="activities", username="alice", dry_run=True, stdout=out)
    assert "2 new" in out.getvalue() and not CommunityActivity.objects.exists()
    call_command("import_workbook", str(path), kind="activities", username="alice", stdout=out)
    assert CommunityActivity.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("import_workbook", str(path), kind="employment", username="erin", stdout=out)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(CASES))
def test_the_check_page_of_a_ledger_import_shows_its_rows(kind, cast, tmp_path, client_of):
    record = preview(cast.alice, build(tmp_path / f"{kind}.xlsx", {"台账": rows_of(kind, cast)}), kind)
    response = client_of(cast.alice).get(reverse("exchange:import_detail", kwargs={"record_pk": record.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    first = {"facilities": "1号泵房", "hazards": "3栋灭火器过期", "activities": "家政培训", "requests": "楼道灯不亮",
             "assets": "帮扶车间一期", "employment": "广丰制衣厂"}[kind]  # fmt: skip
    assert first in html, "the preview lists the rows it will create"
