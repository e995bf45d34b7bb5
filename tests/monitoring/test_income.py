"""Annual income accounting (年度收入核算): page, Excel import with its own template, bad input, and
the households whose income is not known; the work list of overdue visits (回访逾期)."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from exchange import services as imports
from monitoring.models import AnnualIncome, Visit
from monitoring.services import annual_income_save
from tests.exchange.workbooks import build, upload

from .helpers import give_ledger, thresholds

pytestmark = pytest.mark.django_db

HEADER = ["户编号", "户主身份证号", "年度", "家庭人口", "工资性收入", "生产经营性收入", "财产性收入", "转移性收入",
          "生产经营性支出"]  # fmt: skip


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def preview(user, path):
    return imports.import_preview(record=imports.import_upload(user=user, uploaded_file=upload(path), kind="incomes"))


def test_the_template_and_a_filled_workbook_import_by_code_or_head_id(cast, client_of, tmp_path):
    response = client_of(cast.alice).get(reverse("exchange:import_template", kwargs={"kind": "incomes"}))
    template = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert [c.value for c in template[1]][:4] == ["户编号", "户主身份证号", "年度", "家庭人口"]
    head = cast.alice_household.members.get()
    # The same household by its code for one year and by its head's ID number for another.
    path = build(tmp_path / "incomes.xlsx", {"年度收入核算": [
        HEADER,
        [cast.alice_household.code, "", 2025, 3, 30000, 6000, 0, 2400, 4000],
        ["", head.id_number, 2024, 3, 28000, 0, 0, 2400, 0],
    ]})  # fmt: skip
    record = preview(cast.alice, path)
    assert record.errors == [] and record.rows_new == 2
    imports.import_commit(record_id=record.pk, actor=cast.alice)
    accounting = AnnualIncome.objects.get(household=cast.alice_household, year=2025)
    assert accounting.production_cost == Decimal("4000") and accounting.source == "import"
    assert AnnualIncome.objects.filter(household=cast.alice_household, year=2024).exists()


def test_bad_rows_are_named_and_nothing_is_written(cast, tmp_path):
    path = build(tmp_path / "bad.xlsx", {"年度收入核算": [
        HEADER,
        [cast.alice_household.code, "", 2025, 3, 30000, 0, 0, 0, 0],  # good, but the file is refused as a whole
        [cast.alice_household.code, "", 2024, 3, 1000, 0, 0, 0, 5000],  # costs larger than income
        [cast.alice_household.code, "", 2023, 0, 1000, 0, 0, 0, 0],  # household of nobody
        [cast.alice_household.code, "", 2099, 3, 1000, 0, 0, 0, 0],  # a future year
        [cast.bob_household.code, "", 2025, 3, 1000, 0, 0, 0, 0],  # Hengshan: outside Alice's area
    ]})  # fmt: skip
    record = preview(cast.alice, path)
    by_row = {e["row"]: e for e in record.errors}
    assert set(by_row) == {3, 4, 5, 6}
    assert by_row[3]["column"] == "生产经营性支出" and "生产经营性支出不能大于" in by_row[3]["message"]
    assert by_row[4]["column"] == "家庭人口"
    assert by_row[5]["column"] == "年度" and ("未来" in by_row[5]["message"] or "晚于" in by_row[5]["message"])
    assert "GF" in by_row[6]["message"] or "辖区" in by_row[6]["message"]
    with pytest.raises(imports.ImportBlocked):
        imports.import_start_commit(record=record, actor=cast.alice)
    assert AnnualIncome.objects.count() == 0


def test_the_service_refuses_bad_input_with_chinese_messages(cast):
    from django.utils import translation

    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as costs:
            annual_income_save(household=cast.alice_household, year=2025, household_size=2,
                               wage_income=Decimal("100"), production_cost=Decimal("200"))  # fmt: skip
        with pytest.raises(ValidationError) as future:
            annual_income_save(household=cast.alice_household, year=2099, household_size=2)
        with pytest.raises(ValidationError):
            annual_income_save(household=cast.alice_household, year=2025, household_size=0)
    assert "生产经营性支出" in str(costs.value.message_dict["production_cost"])
    assert "年度" in str(future.value.message_dict["year"])
    assert AnnualIncome.objects.count() == 0


def test_the_page_records_an_accounting_and_the_household_page_shows_the_net_income(cast, client_of):
    thresholds(year=2026)
    client = client_of(cast.alice)
    url = reverse("monitoring:annual_income_edit", kwargs={"household_pk": cast.alice_household.pk})
    response = client.post(url, {
        "year": 2025, "household_size": 2, "wage_income": "30000", "business_income": "0", "property_income": "0",
        "transfer_income": "0", "production_cost": "2000", "medical_expense": "0", "schooling_expense": "0",
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse("relocation:household_detail", kwargs={"household_pk": cast.alice_household.pk}))
    text = page.content.decode()
    assert "14000.00" in text or "14,000.00" in text  # (30,000 − 2,000) ÷ 2
    listing = client.get(reverse("monitoring:annual_income_list")).content.decode()
    assert cast.alice_household.code in listing and cast.bob_household.code not in listing


def test_a_household_with_a_single_month_is_income_not_known(cast, client_of):
    thresholds(year=2026)
    give_ledger(cast.alice_household, monthly_income=500, months=1, as_of=datetime.date.today())
    client = client_of(cast.alice)
    page = client.get(reverse("relocation:household_detail", kwargs={"household_pk": cast.alice_household.pk}))
    assert "收入不详" in page.content.decode() or "Income not known" in page.content.decode()
    listing = client.get(reverse("monitoring:income_unknown")).content.decode()
    assert cast.alice_household.code in listing
    assert cast.alice_household.figures.per_capita_income is None  # never annualised from one month


def test_overdue_visits_are_a_work_list_of_the_area(cast, client_of):
    today = datetime.date.today()
    Visit.objects.create(household=cast.alice_household, visited_on=today - datetime.timedelta(days=100),
                         findings="正常", next_visit_on=today - datetime.timedelta(days=10))  # fmt: skip
    Visit.objects.create(household=cast.bob_household, visited_on=today - datetime.timedelta(days=100),
                         findings="正常", next_visit_on=today - datetime.timedelta(days=10))  # fmt: skip
    page = client_of(cast.alice).get(reverse("monitoring:visits_overdue")).content.decode()
    assert cast.alice_household.code in page and cast.bob_household.code not in page
    assert ">10<" in page  # days overdue


def test_a_ledger_month_with_costs_larger_than_its_income_is_refused_in_a_workbook(cast, tmp_path):
    from monitoring.models import LedgerEntry

    path = build(tmp_path / "ledgers.xlsx", {"台账": [
        ["户编号", "月份", "家庭人口", "工资性收入", "生产经营性支出"],
        [cast.alice_household.code, "2026-10", 3, 2000, 500],
        [cast.alice_household.code, "2026-09", 3, 200, 500],
    ]})  # fmt: skip
    record = imports.import_preview(
        record=imports.import_upload(user=cast.alice, uploaded_file=upload(path), kind="ledgers")
    )
    assert [(e["row"], e["column"]) for e in record.errors] == [(3, "生产经营性支出")]
    assert LedgerEntry.objects.count() == 0


def test_the_daily_digest_counts_overdue_visits_and_links_the_work_list(cast):
    from monitoring.digest import digest_send
    from notifications.models import Notification

    today = datetime.date.today()
    Visit.objects.create(household=cast.alice_household, visited_on=today - datetime.timedelta(days=100),
                         findings="正常", next_visit_on=today - datetime.timedelta(days=10))  # fmt: skip
    digest_send(on=today)
    notice = Notification.objects.get(user=cast.alice, kind="monitoring.digest")
    assert notice.url == reverse("monitoring:visits_overdue")
    assert "1" in notice.title


def test_the_migration_closes_open_overdue_visit_alerts_with_the_reason(cast):
    import importlib

    from django.apps import apps

    from monitoring.models import Alert

    migration = importlib.import_module("monitoring.migrations.0007_overdue_visits_leave_the_queue")
    open_one = Alert.objects.create(
        household=cast.alice_household, rule="visit_overdue", period=datetime.date(2026, 1, 1)
    )
    decided = Alert.objects.create(household=cast.bob_household, rule="visit_overdue", period=datetime.date(2026, 1, 1),
                                   status="identified")  # fmt: skip
    migration.close_open_overdue_alerts(apps, None)
    open_one.refresh_from_db()
    decided.refresh_from_db()
    assert open_one.status == "dismissed" and "回访逾期" in open_one.resolution and open_one.resolved_at
    assert decided.status == "identified"
