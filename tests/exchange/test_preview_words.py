"""What the import pages and files say, in Chinese and as people write (issue 15, item 9)."""

import io
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse

from exchange.cells import CellError, parse_int
from exchange.models import ImportRecord
from exchange.workbooks import join_messages
from tests.exchange.workbooks import HOUSEHOLD_HEADER, build, household_row, upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("written", ["三级", "3级", "三", "叁级", "三级残疾", "3", " 三级 "])
def test_a_disability_grade_is_read_as_people_write_it(written):
    assert parse_int(written, minimum=1, maximum=4) == 3


@pytest.mark.parametrize("written", ["三四级", "重度", "3.5"])
def test_what_is_not_a_grade_is_still_refused(written):
    with pytest.raises(CellError):
        parse_int(written, minimum=1, maximum=4)


def test_a_rows_problems_join_into_one_sentence_without_doubled_punctuation():
    assert join_messages(["乡镇：“不存在镇”不是本区的乡镇。", "搬迁年度：“明年”不是整数。"]) == (
        "乡镇：“不存在镇”不是本区的乡镇；搬迁年度：“明年”不是整数。"
    )


@pytest.mark.django_db
def test_the_error_workbook_never_writes_a_full_stop_before_a_semicolon(cast, tmp_path, client_of):
    rows = [HOUSEHOLD_HEADER, household_row("GF-E-1", township="不存在镇", year="明年")]
    client = client_of(cast.alice)
    workbook = upload(build(tmp_path / "e.xlsx", {"户": rows}))
    client.post(reverse("exchange:import_list"), {"kind": "households", "file": workbook})
    record = ImportRecord.objects.get()
    response = client.get(reverse("exchange:import_errors", kwargs={"record_pk": record.pk}))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    problems = [row[-2] for row in book.active.iter_rows(values_only=True)][3]
    assert "；" in problems and "。；" not in problems and problems.endswith("。")


@pytest.mark.django_db
def test_the_preview_names_what_each_sheet_was_read_as_in_chinese(cast, tmp_path, client_of):
    rows = [HOUSEHOLD_HEADER, household_row("GF-W-1")]
    client = client_of(cast.alice)
    page = client.post(
        reverse("exchange:import_list"),
        {"kind": "households", "file": upload(build(tmp_path / "w.xlsx", {"户": rows}))},
        follow=True,
    ).content.decode()
    assert "户信息表" in page
    assert ">households<" not in page and ">members<" not in page


@pytest.mark.django_db
def test_the_template_downloads_under_a_chinese_name(cast, client_of):
    response = client_of(cast.alice).get(reverse("exchange:import_template", kwargs={"kind": "households"}))
    disposition = response["Content-Disposition"]
    assert quote("导入模板") in disposition or "导入模板" in disposition
    assert "Import" not in disposition


@pytest.mark.django_db
def test_the_preview_shows_the_first_new_and_changed_rows_masked_with_old_and_new_values(cast, tmp_path, client_of):
    from exchange import services

    first = build(tmp_path / "a.xlsx", {"户": [HOUSEHOLD_HEADER, household_row("GF-P-1", phone="13912345678")]})
    record = services.import_preview(
        record=services.import_upload(user=cast.alice, uploaded_file=upload(first), kind="households")
    )
    services.import_commit(record_id=record.pk, actor=cast.alice)

    rows = [HOUSEHOLD_HEADER, household_row("GF-P-1", phone="13700001111", year=2020), household_row("GF-P-2")]
    client = client_of(cast.alice)
    page = client.post(
        reverse("exchange:import_list"),
        {"kind": "households", "file": upload(build(tmp_path / "b.xlsx", {"户": rows}))},
        follow=True,
    ).content.decode()
    assert "将导入的前几行" in page
    assert 'class="sample-new"' in page and 'class="sample-changed"' in page
    # The changed household: its old and new phone (masked) and year; the new one: its fields.
    assert "137****1111" in page and "139****5678" in page and "13700001111" not in page
    assert "<del" in page and "2019" in page and "2020" in page
    assert "洋口镇" in page  # a place by its name, not its number
