"""账账相符 with the national 防返贫监测信息系统 (issue 19, item 8): a generated national export with
households missing on each side and three field differences reports exactly those; nothing is
written; a roster given as a national export (and the reverse) is refused naming the right upload;
ID numbers are masked by role in the page and in the workbook."""

import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import AccessLog
from exchange import reader, services
from exchange.models import ImportRecord, Reconciliation
from relocation.models import Household, Member
from tests.assistance.helpers import open_case
from tests.exchange.workbooks import HOUSEHOLD_HEADER, build, household_row, upload
from tests.factories import HouseholdFactory, MemberFactory, make_id_number

HEADER = ["省", "市", "县", "乡", "村", "户编号", "户主姓名", "姓名", "证件号码", "与户主关系", "人口数", "户类型",
          "监测对象类别", "风险类型", "是否风险消除", "年人均纯收入"]  # fmt: skip


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def family(cast, head_name, size=2, **kwargs):
    household = HouseholdFactory(head_name=head_name, township=cast.yangkou, settlement=cast.yangkou_site, **kwargs)
    head = MemberFactory(household=household, name=head_name)
    others = [MemberFactory(household=household, relation=Member.Relation.SON) for _ in range(size - 1)]
    return household, [head, *others]


def national_rows(household, members, *, township="洋口镇", head_name=None, persons=None, kind="脱贫户",
                  category="", risks="", eliminated="", code=None):  # fmt: skip
    """The export writes one row per member, the household's columns repeated on each."""
    rows = []
    for m in members:
        relation = "户主" if m.relation == Member.Relation.HEAD else "之子"
        place = ["江西省", "上饶市", "广丰区", township, ""]
        head = [code or household.code, head_name or household.head_name]
        rows.append([*place, *head, m.name, m.id_number, relation, persons or len(members), kind, category, risks,
                     eliminated, ""])  # fmt: skip
    return rows


@pytest.fixture
def scene(cast):
    """Yangkou: A, B, D, F in the portal; A, B, D and E in the export; one Hengshan household too."""
    a = family(cast, "甲户主")
    b = family(cast, "乙户主", size=3)
    d = family(cast, "丁户主")
    open_case(d[0], risk_types=("illness",), status="approved")
    d[0].refresh_from_db()
    f = family(cast, "戊户主")  # only in the portal
    family(cast, "同步户主", household_type=Household.Type.ALONGSIDE)  # not a national household: not listed
    e_head = make_id_number()
    rows = [
        *national_rows(*a, head_name="甲户主改名"),  # difference 1: 户主姓名
        *national_rows(*b, persons=4),  # difference 2: 人口数 (the portal has 3 members)
        # difference 3: 风险类型 (the portal's case has 因病 only); type and category agree.
        *national_rows(*d, kind="监测对象", category="脱贫不稳定户", risks="因病、因残", eliminated="否"),
        # only in the national export
        ["江西省", "上饶市", "广丰区", "洋口镇", "", "3611031020000099", "己户主", "己户主", e_head, "户主", 1,
         "脱贫户", "", "", "", ""],
        *national_rows(cast.bob_household, [cast.bob_member], township="横山镇"),  # outside Alice's area
    ]  # fmt: skip
    # The households the cast fixture made for Alice's township are national households too.
    rows += national_rows(cast.alice_household, [cast.alice_member])
    return {"a": a, "b": b, "d": d, "e_head": e_head, "f": f, "rows": rows}


def export_file(tmp_path, rows, name="国家系统导出.xlsx"):
    return build(
        tmp_path / name, {"脱贫户信息": [HEADER, *rows]}, title="全国防返贫监测信息系统 脱贫户（含监测对象）信息"
    )


def counts():
    return (Household.objects.count(), Member.objects.count(), Household.history.count(), Member.history.count())


@pytest.mark.django_db
def test_a_national_export_reports_exactly_the_missing_households_and_three_differences(cast, tmp_path, scene):
    before = counts()
    found = services.reconciliation_run(user=cast.alice, uploaded_file=upload(export_file(tmp_path, scene["rows"])))
    assert counts() == before, "the comparison writes nothing"
    result = found.result
    assert [t["township"] for t in result["townships"]] == ["洋口镇"]
    yangkou = result["townships"][0]
    assert [e["code"] for e in yangkou["only_portal"]] == [scene["f"][0].code]
    assert [(e["id_number"], e["head_name"]) for e in yangkou["only_national"]] == [(scene["e_head"], "己户主")]
    differences = {e["code"]: e["fields"] for e in yangkou["different"]}
    assert differences == {
        scene["a"][0].code: [["户主姓名", "甲户主", "甲户主改名"]],
        scene["b"][0].code: [["人口数", "3", "4"]],
        scene["d"][0].code: [["风险类型", "因病", "因病、因残"]],
    }
    assert yangkou["same"] == 1  # Alice's own household agrees
    assert result["outside"] == 1  # Hengshan's household is not compared for Alice
    assert (found.only_portal, found.only_national, found.different) == (1, 1, 3)


@pytest.mark.django_db
def test_the_page_and_the_workbook_mask_id_numbers_for_a_head(cast, tmp_path, scene, client_of):
    found = services.reconciliation_run(user=cast.alice, uploaded_file=upload(export_file(tmp_path, scene["rows"])))
    client = client_of(cast.frank)  # a district head: reads everything, full ID numbers stay masked
    html = client.get(reverse("exchange:reconcile_detail", kwargs={"reconciliation_pk": found.pk})).content.decode()
    assert "甲户主改名" in html and "己户主" in html
    masked = scene["e_head"][:4] + "*" * 10 + scene["e_head"][-4:]
    assert scene["e_head"] not in html and masked in html, "masked, not hidden"
    response = client.get(reverse("exchange:reconcile_export", kwargs={"reconciliation_pk": found.pk}))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [[c.value for c in row] for row in book.active.iter_rows()]
    text = "\n".join(str(v) for row in cells for v in row if v is not None)
    assert "甲户主改名" in text and "因病、因残" in text and scene["e_head"] not in text
    assert AccessLog.objects.filter(user=cast.frank, action="export", object_type="exchange.reconciliation").exists()
    # One row per household only on one side and one per differing field.
    findings = [row for row in cells if row and row[0] == "洋口镇"]
    assert len(findings) == 1 + 1 + 3


@pytest.mark.django_db
def test_staff_see_full_id_numbers_and_the_unmasking_is_logged(cast, tmp_path, scene, client_of):
    found = services.reconciliation_run(user=cast.alice, uploaded_file=upload(export_file(tmp_path, scene["rows"])))
    html = client_of(cast.alice).get(reverse("exchange:reconcile_detail", kwargs={"reconciliation_pk": found.pk}))
    assert scene["e_head"] in html.content.decode()
    assert AccessLog.objects.filter(user=cast.alice, action="unmask", object_type="exchange.reconciliation").exists()
    # Bob (another township) cannot open Alice's comparison.
    other = client_of(cast.bob).get(reverse("exchange:reconcile_detail", kwargs={"reconciliation_pk": found.pk}))
    assert other.status_code == 404


@pytest.mark.django_db
def test_the_district_compares_every_township(cast, tmp_path, scene):
    found = services.reconciliation_run(user=cast.admin, uploaded_file=upload(export_file(tmp_path, scene["rows"])))
    assert found.result["outside"] == 0
    assert [t["township"] for t in found.result["townships"]] == ["横山镇", "洋口镇"]
    hengshan = found.result["townships"][0]
    assert (hengshan["same"], hengshan["only_portal"], hengshan["only_national"], hengshan["different"]) == (
        1, [], [], []
    )  # fmt: skip


@pytest.mark.django_db
def test_a_household_roster_given_as_a_national_export_is_refused_naming_the_import(cast, tmp_path, client_of):
    path = build(tmp_path / "花名册.xlsx", {"花名册": [HOUSEHOLD_HEADER, household_row("GF-R-1")]})
    with pytest.raises(reader.BadFile) as refused:
        services.reconciliation_run(user=cast.alice, uploaded_file=upload(path))
    assert "花名册" in str(refused.value) and "Excel导入" in str(refused.value)
    assert not Reconciliation.objects.exists()
    response = client_of(cast.alice).post(reverse("exchange:reconcile_list"), {"file": upload(path)})
    assert response.status_code == 200 and "Excel导入" in response.content.decode()


@pytest.mark.django_db
def test_a_national_export_given_to_the_household_import_is_refused_naming_reconciliation(cast, tmp_path, scene):
    path = export_file(tmp_path, scene["rows"])
    before = counts()
    record = services.import_preview(
        record=services.import_upload(user=cast.alice, uploaded_file=upload(path), kind="households")
    )
    assert record.status == ImportRecord.Status.REJECTED and not record.can_commit
    assert "账账相符" in record.message and "国家" in record.message
    assert counts() == before


@pytest.mark.django_db
def test_a_bad_cell_in_the_export_is_named_and_its_row_not_compared(cast, tmp_path, scene):
    rows = scene["rows"]
    rows[0][8] = rows[0][8][:-1] + ("0" if rows[0][8][-1] != "0" else "1")  # 甲户主's check digit
    found = services.reconciliation_run(user=cast.alice, uploaded_file=upload(export_file(tmp_path, rows)))
    errors = found.result["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "证件号码")]
    # 甲's other member still names the household, so it is still compared (and still differs).
    codes = {e["code"] for e in found.result["townships"][0]["different"]}
    assert scene["a"][0].code in codes
