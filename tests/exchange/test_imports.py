import io
import zipfile
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse

from exchange import reader, services
from exchange.models import ImportRecord
from relocation.models import Household, Member
from tests.exchange.workbooks import (
    HOUSEHOLD_HEADER,
    MEMBER_HEADER,
    build,
    fresh_id_number,
    household_row,
    member_row,
    upload,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def preview(user, path, kind="households"):
    return services.import_preview(record=services.import_upload(user=user, uploaded_file=upload(path), kind=kind))


def counts():
    return (Household.objects.count(), Member.objects.count(), Household.history.count(), Member.history.count())


@pytest.mark.django_db
def test_one_bad_id_number_in_10000_rows_writes_nothing_and_names_row_and_column(cast, tmp_path):
    rows = [MEMBER_HEADER] + [member_row(cast.alice_household.code, name=f"成员{i}") for i in range(10_000)]
    rows[7321 - 1][2] = rows[7321 - 1][2][:-1] + ("0" if rows[7321 - 1][2][-1] != "0" else "1")  # wrong check digit
    path = build(tmp_path / "members.xlsx", {"成员": rows})
    before = counts()
    record = preview(cast.alice, path, kind="members")
    assert record.rows_total == 10_000 and record.rows_invalid == 1
    assert record.errors == [
        {"sheet": "成员", "row": 7321, "column": "身份证号码", "message": record.errors[0]["message"]}
    ]
    assert "校验码" in record.errors[0]["message"] or "check digit" in record.errors[0]["message"]
    with pytest.raises(services.ImportBlocked):
        services.import_start_commit(record=record, actor=cast.alice)
    assert counts() == before


@pytest.mark.django_db
def test_the_same_workbook_twice_changes_nothing_the_second_time(cast, tmp_path):
    path = build(
        tmp_path / "book.xlsx",
        {
            "花名册": [HOUSEHOLD_HEADER, household_row("GF-N-1"), household_row("GF-N-2")],
            "成员": [MEMBER_HEADER, member_row("GF-N-1"), member_row("GF-N-2"), member_row(cast.alice_household.code)],
        },
    )
    first = services.import_commit(record_id=preview(cast.alice, path).pk, actor=cast.alice)
    assert (first.rows_new, first.rows_invalid) == (5, 0)
    after_first = counts()
    second = services.import_commit(record_id=preview(cast.alice, path).pk, actor=cast.alice)
    assert (second.rows_new, second.rows_updated, second.rows_unchanged) == (0, 0, 5)
    assert counts() == after_first


@pytest.mark.django_db
def test_a_corrected_file_updates_only_what_changed_and_history_names_the_importer(cast, tmp_path):
    rows = [HOUSEHOLD_HEADER, household_row("GF-N-1"), household_row("GF-N-2")]
    services.import_commit(record_id=preview(cast.alice, build(tmp_path / "a.xlsx", {"s": rows})).pk, actor=cast.alice)
    rows[2] = household_row("GF-N-2", phone="13700000000")
    record = services.import_commit(
        record_id=preview(cast.alice, build(tmp_path / "b.xlsx", {"s": rows})).pk, actor=cast.alice
    )
    assert (record.rows_new, record.rows_updated, record.rows_unchanged) == (0, 1, 1)
    household = Household.objects.get(code="GF-N-2")
    assert household.phone == "13700000000"
    latest = household.history.first()
    assert latest.history_user == cast.alice and latest.history_type == "~"
    assert Household.objects.get(code="GF-N-1").history.count() == 1


@pytest.mark.django_db
def test_real_workbook_quirks_are_read(cast, tmp_path):
    member = fresh_id_number()
    rows = [
        ["户 编 号", "户主", "户类型", "所属乡镇", "安置点名称", "安置房类型", "手机号码", "搬迁年份",
         "住房面积（平方米）", "发证日期", "是否办证"],
        ["ＧＦ－Ｑ－１", " 李 四 ", "同步搬迁户", "洋口镇", "洋口安置小区", "一户一宅", "１３９ １２３４ ５６７８",
         "2019", "80.5", "2019/12/1", "是"],
        [None] * 11,
        ["GF-Q-2", "王五", "搬迁脱贫户", "洋口镇", "", "套房", "", 2018.0, 60, 43800, "是"],
        ["GF-Q-3", "赵六", "搬迁脱贫户", "洋口镇", "", "套房", "", 2018, 60, "2019年12月", "是"],
        ["GF-Q-4", "钱七", "搬迁脱贫户", "洋口镇", "", "套房", "", 2018, 60, 2019.12, "是"],
    ]  # fmt: skip
    members = [MEMBER_HEADER, member_row("GF-Q-1", member[:-1] + member[-1].lower() if member[-1] == "X" else member)]
    path = build(tmp_path / "q.xlsx", {"花名册": rows, "家庭成员": members}, title="洋口镇易地扶贫搬迁户花名册")
    book = openpyxl.load_workbook(path)
    book["花名册"].row_dimensions[6].hidden = True  # 钱七's row is hidden in Excel
    book.save(path)
    record = preview(cast.alice, path)
    assert record.errors == []
    assert record.rows_new == 5
    assert record.sheets[0]["header_row"] == 2 and record.sheets[0]["hidden"] == 1
    services.import_commit(record_id=record.pk, actor=cast.alice)
    first = Household.objects.get(code="GF-Q-1")
    assert (first.head_name, first.phone, first.relocation_year) == ("李四", "13912345678", 2019)
    assert first.household_type == Household.Type.ALONGSIDE and first.placement == Household.Placement.HOMESTEAD
    assert str(first.certificate_date) == "2019-12-01"
    assert [str(Household.objects.get(code=c).certificate_date) for c in ("GF-Q-2", "GF-Q-3", "GF-Q-4")] == [
        "2019-12-01",
        "2019-12-01",
        "2019-12-01",
    ]
    assert Member.objects.get(id_number=member.upper()).household == first


@pytest.mark.django_db
def test_lowercase_x_check_digit_is_accepted(cast, tmp_path):
    from stdnum.cn import ric

    body = next(b for b in (f"36112219850310{s:03d}" for s in range(1000)) if ric.calc_check_digit(b + "0") == "X")
    number = body + "X"
    path = build(tmp_path / "x.xlsx", {"成员": [MEMBER_HEADER, member_row(cast.alice_household.code, number.lower())]})
    services.import_commit(record_id=preview(cast.alice, path, "members").pk, actor=cast.alice)
    assert Member.objects.filter(id_number=number).exists()


@pytest.mark.django_db
def test_an_id_number_stored_as_a_number_is_refused_and_never_stored(cast, tmp_path):
    number = fresh_id_number()
    path = build(
        tmp_path / "n.xlsx", {"成员": [MEMBER_HEADER, member_row(cast.alice_household.code, int(number[:-1] + "1"))]}
    )
    record = preview(cast.alice, path, "members")
    assert record.rows_invalid == 1
    assert "数字" in record.errors[0]["message"] or "number" in record.errors[0]["message"]
    assert record.errors[0]["column"] == "身份证号码"


@pytest.mark.django_db
def test_a_row_of_another_township_is_invalid_and_that_township_is_untouched(cast, tmp_path):
    bob_code = cast.bob_household.code
    rows = [
        HOUSEHOLD_HEADER,
        household_row("GF-A-1"),
        household_row("GF-A-2", township="横山镇", site="横山安置点"),
        household_row(bob_code, head="被改名", township="洋口镇", site="洋口安置小区"),
    ]
    members = [MEMBER_HEADER, member_row("GF-A-1", cast.bob_member.id_number, name="偷换")]
    record = preview(cast.alice, build(tmp_path / "t.xlsx", {"户": rows, "成员": members}))
    assert record.rows_invalid == 3
    assert {(e["sheet"], e["row"]) for e in record.errors} == {("户", 3), ("户", 4), ("成员", 2)}
    with pytest.raises(services.ImportBlocked):
        services.import_start_commit(record=record, actor=cast.alice)
    cast.bob_household.refresh_from_db()
    cast.bob_member.refresh_from_db()
    assert cast.bob_household.head_name == "横山户主吴二" and cast.bob_member.name == "横山户主吴二"
    assert not Household.objects.filter(code__startswith="GF-A-").exists()


@pytest.mark.django_db(transaction=True)
def test_a_preview_leaves_the_database_and_the_task_queue_unchanged(cast, tmp_path):
    from notifications.models import Notification

    path = build(
        tmp_path / "p.xlsx",
        {"户": [HOUSEHOLD_HEADER, household_row("GF-P-1")], "成员": [MEMBER_HEADER, member_row("GF-P-1")]},
    )
    before = (*counts(), Notification.objects.count())
    with mock.patch("celery.app.task.Task.apply_async") as sent, mock.patch("celery.Celery.send_task") as sent_by_name:
        record = preview(cast.alice, path)
    assert record.rows_new == 2
    assert (*counts(), Notification.objects.count()) == before
    assert not sent.called and not sent_by_name.called


@pytest.mark.django_db
def test_a_big_file_is_checked_and_imported_by_the_worker(
    cast, tmp_path, settings, client_of, django_capture_on_commit_callbacks
):
    settings.EXCHANGE_BACKGROUND_BYTES = 1
    path = build(tmp_path / "big.xlsx", {"户": [HOUSEHOLD_HEADER, household_row("GF-B-1")]})
    client = client_of(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:import_list"), {"kind": "households", "file": upload(path)})
    record = ImportRecord.objects.get()
    assert response.status_code == 302 and record.background and record.status == ImportRecord.Status.PREVIEWED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:import_confirm", kwargs={"record_pk": record.pk}))
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.COMMITTED
    assert Household.objects.filter(code="GF-B-1").exists()
    progress = client.get(reverse("exchange:import_progress", kwargs={"record_pk": record.pk}))
    assert progress["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_a_commit_that_dies_half_way_leaves_nothing_and_can_run_again(cast, tmp_path):
    path = build(
        tmp_path / "k.xlsx",
        {"户": [HOUSEHOLD_HEADER, household_row("GF-K-1")], "成员": [MEMBER_HEADER, member_row("GF-K-1")]},
    )
    record = preview(cast.alice, path)
    before = counts()
    from exchange import importer

    write = importer._write

    def dies_at_members(model, *args, **kwargs):
        if model is Member:
            raise SystemExit("worker killed")  # after the households were written in the same transaction
        return write(model, *args, **kwargs)

    with mock.patch("exchange.importer._write", dies_at_members), pytest.raises(SystemExit):
        services.import_commit(record_id=record.pk, actor=cast.alice)
    assert counts() == before
    record = services.import_commit(record_id=record.pk, actor=cast.alice)
    assert (
        record.status == ImportRecord.Status.COMMITTED and Member.objects.filter(household__code="GF-K-1").count() == 1
    )


# ---- bad files -------------------------------------------------------------------------------


def _refused(user, path) -> str:
    with pytest.raises(reader.BadFile) as info:
        services.import_preview(record=services.import_upload(user=user, uploaded_file=upload(path), kind="households"))
        raise AssertionError("not refused")
    return str(info.value)


def _bad(user, path, kind="households"):
    try:
        record = services.import_upload(user=user, uploaded_file=upload(path), kind=kind)
    except reader.BadFile as exc:
        return str(exc)
    record = services.import_preview(record=record)
    assert record.status == ImportRecord.Status.REJECTED
    return record.message


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(cast, tmp_path, settings):
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 1000
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"0" * 5000)
    assert "MB" in _bad(cast.alice, path)


@pytest.mark.django_db
def test_a_file_that_is_not_a_workbook_is_refused(cast, tmp_path):
    path = tmp_path / "note.xlsx"
    path.write_text("户编号,户主\n1,2", encoding="utf-8")
    assert "xlsx" in _bad(cast.alice, path)


@pytest.mark.django_db
def test_a_password_protected_workbook_is_refused(cast, tmp_path):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(reader.OLE2_MAGIC + b"\x00" * 4000)  # how Excel stores an encrypted .xlsx
    message = _bad(cast.alice, path)
    assert "密码" in message or "password" in message


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_quickly(cast, tmp_path):
    import time

    path = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(build(tmp_path / "ok.xlsx", {"户": [HOUSEHOLD_HEADER]})) as good,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in good.infolist():
            bomb.writestr(info, good.read(info))
        bomb.writestr("xl/media/padding.bin", b"\0" * (300 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    started = time.monotonic()
    message = _bad(cast.alice, path)
    assert time.monotonic() - started < 2
    assert "解压" in message or "unpacks" in message
    assert Household.objects.count() == 2


@pytest.mark.django_db
def test_a_sheet_declaring_a_million_rows_it_does_not_have_is_refused(cast, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HOUSEHOLD_HEADER)
    sheet.append(household_row("GF-M-1"))
    sheet.cell(row=1_048_576, column=1, value="x")  # one far-away cell: a dense reader would allocate 1M rows
    path = tmp_path / "million.xlsx"
    book.save(path)
    message = _bad(cast.alice, path)
    assert "1,048,576" in message
    assert not Household.objects.filter(code="GF-M-1").exists()


@pytest.mark.django_db
def test_the_upload_page_shows_a_bad_file_message(cast, tmp_path, client_of):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"hello")
    response = client_of(cast.alice).post(
        reverse("exchange:import_list"), {"kind": "households", "file": upload(path)}, follow=True
    )
    assert response.status_code == 200
    assert "不是Excel工作簿" in response.content.decode()
    assert ImportRecord.objects.get().status == ImportRecord.Status.REJECTED


# ---- pages and templates -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_preview_page_lists_every_invalid_cell_and_offers_the_error_rows(cast, tmp_path, client_of):
    rows = [HOUSEHOLD_HEADER, household_row("GF-E-1"), household_row("GF-E-2", township="不存在镇")]
    path = build(tmp_path / "e.xlsx", {"户": rows})
    client = client_of(cast.alice)
    response = client.post(reverse("exchange:import_list"), {"kind": "households", "file": upload(path)}, follow=True)
    body = response.content.decode()
    assert "不存在镇" in body and "乡镇" in body
    record = ImportRecord.objects.get()
    errors = client.get(reverse("exchange:import_errors", kwargs={"record_pk": record.pk}))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(errors.streaming_content)))
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    assert values[2][:3] == ["户编号", "户主姓名", "户类型"] and values[2][-2] == "错误原因"
    assert values[3][0] == "GF-E-2" and "不存在镇" in values[3][-2] and values[3][-1] == 3
    assert len(values) == 4


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["households", "members", "ledgers"])
def test_each_kind_has_a_template_with_lists_an_example_and_instructions(kind, cast, client_of):
    response = client_of(cast.alice).get(reverse("exchange:import_template", kwargs={"kind": kind}))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    first = book.worksheets[0]
    assert first["A1"].value == "户编号" and first["A2"].value
    assert first.data_validations.dataValidation, "drop-down lists for choice columns"
    assert "填写说明" in book.sheetnames


@pytest.mark.django_db
def test_a_filled_template_imports(cast, client_of, tmp_path):
    response = client_of(cast.alice).get(reverse("exchange:import_template", kwargs={"kind": "households"}))
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    book = openpyxl.load_workbook(path)
    book.worksheets[1]["C2"] = fresh_id_number()
    book.save(path)
    record = preview(cast.alice, path)
    assert record.errors == [] and record.rows_new == 2


@pytest.mark.django_db
def test_the_command_imports_as_a_user_and_respects_dry_run(cast, tmp_path):
    from django.core.management import call_command

    path = build(tmp_path / "c.xlsx", {"户": [HOUSEHOLD_HEADER, household_row("GF-C-1")]})
    out = io.StringIO()
    call_command("import_workbook", str(path), kind="households", username="alice", dry_run=True, stdout=out)
    assert "1 new" in out.getvalue() and not Household.objects.filter(code="GF-C-1").exists()
    call_command("import_workbook", str(path), kind="households", username="alice", stdout=out)
    assert Household.objects.filter(code="GF-C-1").exists()


# ---- interrupted background imports, hidden rows -----------------------------------------------


@pytest.mark.django_db
def test_a_commit_whose_worker_died_shows_interrupted_and_can_be_queued_again(
    cast, tmp_path, settings, client_of, django_capture_on_commit_callbacks
):
    import time

    from django.core.cache import cache

    settings.EXCHANGE_BACKGROUND_BYTES = 1
    settings.EXCHANGE_STALE_SECONDS = 60
    path = build(tmp_path / "w.xlsx", {"户": [HOUSEHOLD_HEADER, household_row("GF-W-1")]})
    client = client_of(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:import_list"), {"kind": "households", "file": upload(path)})
    record = ImportRecord.objects.get()
    # The worker took the commit and was killed: the record says "importing", nothing is written.
    with mock.patch("exchange.tasks.commit_import.delay"), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:import_confirm", kwargs={"record_pk": record.pk}))
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.COMMITTING
    page = client.get(reverse("exchange:import_detail", kwargs={"record_pk": record.pk})).content.decode()
    assert "import-rerun" not in page  # it has just been queued: still alive
    cache.set(services.heartbeat_key(record.pk), time.time() - 61)
    page = client.get(reverse("exchange:import_detail", kwargs={"record_pk": record.pk})).content.decode()
    assert "导入已中断" in page and "import-rerun" in page
    polled = client.get(reverse("exchange:import_progress", kwargs={"record_pk": record.pk}))
    assert "import-rerun" in polled.content.decode() and "hx-trigger" not in polled.content.decode()
    assert not Household.objects.filter(code="GF-W-1").exists()
    # Bob cannot rerun Alice's import; Alice can, and the rerun commits it.
    rerun = reverse("exchange:import_rerun", kwargs={"record_pk": record.pk})
    assert client_of(cast.bob).post(rerun).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(cast.alice).post(rerun)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.COMMITTED
    assert Household.objects.filter(code="GF-W-1").count() == 1


@pytest.mark.django_db
def test_a_running_import_cannot_be_queued_twice(cast, tmp_path, settings, django_capture_on_commit_callbacks):
    settings.EXCHANGE_BACKGROUND_BYTES = 1
    record = services.import_upload(
        user=cast.alice, uploaded_file=upload(build(tmp_path / "r.xlsx", {"户": [HOUSEHOLD_HEADER]})), kind="households"
    )
    with mock.patch("exchange.tasks.preview_import.delay"):
        services.import_start_preview(record=record)
    with pytest.raises(services.ImportBlocked):
        services.import_rerun(record=record, actor=cast.alice)


def test_the_worker_beats_while_it_works_and_stops_after():
    import time

    from django.core.cache import cache

    with mock.patch.object(services, "HEARTBEAT_SECONDS", 0.05), services.heartbeat(987654):
        deadline = time.monotonic() + 5  # the beating thread's first beat, on a busy machine too
        while (first := cache.get(services.heartbeat_key(987654))) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert first is not None
        time.sleep(0.2)
        assert cache.get(services.heartbeat_key(987654)) > first
    last = cache.get(services.heartbeat_key(987654))
    time.sleep(0.15)
    assert cache.get(services.heartbeat_key(987654)) == last


@pytest.mark.django_db
def test_the_preview_says_hidden_rows_are_imported(cast, tmp_path, client_of):
    rows = [HOUSEHOLD_HEADER, household_row("GF-H-1"), household_row("GF-H-2"), household_row("GF-H-3")]
    path = build(tmp_path / "h.xlsx", {"户": rows})
    book = openpyxl.load_workbook(path)
    book["户"].row_dimensions[3].hidden = True
    book["户"].row_dimensions[4].hidden = True
    book.save(path)
    client = client_of(cast.alice)
    client.post(reverse("exchange:import_list"), {"kind": "households", "file": upload(path)})
    record = ImportRecord.objects.get()
    assert record.rows_new == 3
    page = client.get(reverse("exchange:import_detail", kwargs={"record_pk": record.pk})).content.decode()
    assert "2 行隐藏行" in page and "隐藏行也会导入" in page


@pytest.mark.django_db
def test_a_running_import_names_its_step_and_how_long_it_has_run(cast, tmp_path, client_of):
    """During a long single statement the bar cannot move: the page says which step runs, and since when."""
    path = build(
        tmp_path / "steps.xlsx",
        {"花名册": [HOUSEHOLD_HEADER, household_row("GF-P-1")], "成员": [MEMBER_HEADER, member_row("GF-P-1")]},
    )
    record = preview(cast.alice, path)
    steps = []
    with mock.patch.object(services, "_reporter", return_value=lambda phase, done, total: steps.append(phase)):
        services.import_commit(record_id=record.pk, actor=cast.alice)
    order = list(dict.fromkeys(steps))
    assert order[-3:] == ["write:household", "write:member", "figures"]

    ImportRecord.objects.filter(pk=record.pk).update(status=ImportRecord.Status.COMMITTING, background=True)
    report = services._reporter(record.pk)
    report("write:member", 0, 2)
    with services.heartbeat(record.pk):  # the worker is alive
        page = client_of(cast.alice).get(reverse("exchange:import_progress", kwargs={"record_pk": record.pk}))
    text = page.content.decode()
    assert "写入家庭成员" in text and "0 / 2" in text and 'id="import-step-seconds"' in text
