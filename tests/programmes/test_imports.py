import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from assistance.models import TrainingRecord

pytestmark = pytest.mark.django_db

HEADER = ["身份证号", "姓名", "培训课程", "培训类别", "开始日期", "结束日期", "是否结业"]


def _roster(*rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["2026年第四季度技能培训花名册"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("roster.xlsx", data.getvalue())


def test_a_roster_with_bad_rows_names_each_cell_and_writes_nothing(cast, client_of):
    client = client_of(cast.alice)
    alice = cast.alice_member
    response = client.post(
        reverse("programmes:training_import"),
        {
            "file": _roster(
                [alice.id_number, alice.name, "电商直播培训", "职业技能培训", "2026-10-08", "2026-10-12", "是"],
                [cast.bob_member.id_number, cast.bob_member.name, "电商直播培训", "职业技能培训", "2026-10-08", "", ""],
                [alice.id_number, "别人", "厨师培训", "职业技能培训", "2026-10-08", "", ""],
                [alice.id_number, alice.name, "焊工培训", "不存在的类别", "2026-10-08", "", ""],
            )
        },
    )
    body = response.content.decode()
    assert "您辖区内没有持此身份证号的搬迁户家庭成员" in body  # row 4: Bob's member, outside Alice's area
    assert "姓名与身份证号不符" in body  # row 5
    assert "不存在的类别" in body  # row 6
    for row in ("<td>4</td>", "<td>5</td>", "<td>6</td>"):
        assert row in body
    assert client.post(reverse("programmes:training_import_confirm")).status_code == 400
    assert not TrainingRecord.objects.exists()


def test_a_good_roster_is_imported_once(cast, client_of):
    client = client_of(cast.alice)
    alice = cast.alice_member
    row = [alice.id_number, alice.name, "电商直播培训", "职业技能培训", "2026-10-08", "2026-10-12", "是"]
    response = client.post(reverse("programmes:training_import"), {"file": _roster(row)})
    assert "1 条培训待导入" in response.content.decode()
    assert client.post(reverse("programmes:training_import_confirm")).status_code == 302
    training = TrainingRecord.objects.get()
    assert (training.member, training.course, training.completed) == (alice, "电商直播培训", True)
    assert training.history.get().history_user == cast.alice
    client.post(reverse("programmes:training_import"), {"file": _roster(row)})
    client.post(reverse("programmes:training_import_confirm"))
    assert TrainingRecord.objects.count() == 1
    template = client.get(reverse("programmes:training_import_template"))
    assert template.status_code == 200
