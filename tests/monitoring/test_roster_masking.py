"""A roster's unmatched rows: the message beside the masked ID column never prints the ID in full."""

import pytest
from django.urls import reverse

from monitoring.models import DepartmentRoster, RosterRow
from monitoring.roster import mask_ids_in
from tests.monitoring.test_views import _roster_file

pytestmark = pytest.mark.django_db

BAD_CHECK_DIGIT = "110105194912310022"  # the right one ends in 1


def test_an_unmatched_rows_message_masks_the_id_number(cast, client_of):
    upload = _roster_file([[1, "某人", BAD_CHECK_DIGIT, "住院自付", 26000]])
    client_of(cast.erin).post(
        reverse("monitoring:roster_upload"),
        {"title": "11月医保高额自付", "fact": "medical_cost", "period": "2026-11-01", "file": upload},
    )
    roster = DepartmentRoster.objects.get()
    row = roster.rows.get()
    assert row.problem and BAD_CHECK_DIGIT not in row.problem

    body = client_of(cast.erin).get(reverse("monitoring:roster_detail", kwargs={"roster_pk": roster.pk}))
    page = body.content.decode()
    assert "未比对成功" in page
    assert BAD_CHECK_DIGIT not in page
    assert "1101**********0022" in page


def test_a_message_stored_before_masking_is_masked_when_shown(cast, client_of):
    upload = _roster_file([[1, "某人", "110105194912310021", "", ""]])
    client_of(cast.erin).post(
        reverse("monitoring:roster_upload"),
        {"title": "名单", "fact": "other", "period": "2026-11-01", "file": upload},
    )
    roster = DepartmentRoster.objects.get()
    RosterRow.objects.filter(roster=roster).update(problem=f"“{BAD_CHECK_DIGIT}”校验位不对")
    page = client_of(cast.erin).get(reverse("monitoring:roster_detail", kwargs={"roster_pk": roster.pk}))
    assert BAD_CHECK_DIGIT not in page.content.decode()


def test_mask_ids_in_leaves_other_numbers_alone():
    assert mask_ids_in("第3行：金额 26000 元") == "第3行：金额 26000 元"
    assert mask_ids_in("“36232119900101123X”不对") == "“3623**********123X”不对"


def test_a_bureau_downloads_a_roster_template_that_uploads_back(cast, client_of):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_of(cast.erin)
    form = client.get(reverse("monitoring:roster_upload")).content.decode()
    assert reverse("monitoring:roster_template") in form and "下载名单模板" in form
    response = client.get(reverse("monitoring:roster_template"))
    assert "Import" not in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[2]] == ["序号", "姓名", "身份证号", "情况说明", "金额（元）"]
    assert sheet["C3"].number_format == "@"
    sheet.append([1, "横山户主吴二", cast.bob_member.id_number, "住院自付", 26000])
    out = io.BytesIO()
    book.save(out)
    client.post(
        reverse("monitoring:roster_upload"),
        {"title": "模板名单", "fact": "medical_cost", "period": "2026-11-01",
         "file": SimpleUploadedFile("模板.xlsx", out.getvalue())},
    )  # fmt: skip
    roster = DepartmentRoster.objects.get()
    assert (roster.row_count, roster.matched_count) == (1, 1)
