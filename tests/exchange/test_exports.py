import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import AccessLog
from exchange.export import neutralise
from tests.factories import HouseholdFactory, MemberFactory


def _cells(response):
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in book.active.iter_rows()]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_could_be_a_formula_is_neutralised(text):
    assert neutralise(text).startswith("'")


def test_numbers_and_plain_text_are_left_alone():
    assert neutralise(-5) == -5 and neutralise("洋口镇") == "洋口镇"


@pytest.mark.django_db
def test_the_household_export_has_no_formula_cells_and_no_foreign_rows(cast, client_of):
    HouseholdFactory(head_name='=HYPERLINK("http://x")', township=cast.yangkou)
    response = client_of(cast.alice).get(reverse("exchange:export_households"))
    rows = _cells(response)
    assert response["Content-Disposition"].startswith("attachment")
    assert all(cell.data_type != "f" for row in rows for cell in row)
    values = [[c.value for c in row] for row in rows]
    codes = [r[0] for r in values[3:]]
    assert cast.alice_household.code in codes and cast.bob_household.code not in codes
    assert '\'=HYPERLINK("http://x")' in [r[1] for r in values[3:]]
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert log.user == cast.alice and log.rows == 2 and log.object_type == "relocation.household"


@pytest.mark.django_db
def test_the_export_follows_the_list_filters(cast, client_of):
    other = HouseholdFactory(township=cast.yangkou, household_type="alongside")
    response = client_of(cast.alice).get(reverse("exchange:export_households") + "?household_type=alongside")
    codes = [r[0].value for r in _cells(response)[3:]]
    assert codes == [other.code]
    assert "household_type=alongside" in AccessLog.objects.get().detail


@pytest.mark.django_db
def test_member_export_masks_id_numbers_for_a_head_and_shows_them_to_staff(cast, client_of):
    frank_rows = [
        [c.value for c in r] for r in _cells(client_of(cast.frank).get(reverse("exchange:export_members")))[3:]
    ]
    numbers = {r[2] for r in frank_rows}
    assert cast.alice_member.id_number not in numbers and any("*" in n for n in numbers)
    alice_rows = [
        [c.value for c in r] for r in _cells(client_of(cast.alice).get(reverse("exchange:export_members")))[3:]
    ]
    assert [r[2] for r in alice_rows] == [cast.alice_member.id_number]


@pytest.mark.django_db
def test_member_export_leaves_out_other_townships(cast, client_of):
    MemberFactory(household=cast.bob_household, name="横山成员")
    rows = [[c.value for c in r] for r in _cells(client_of(cast.alice).get(reverse("exchange:export_members")))[3:]]
    assert {r[0] for r in rows} == {cast.alice_household.code}


@pytest.mark.django_db
def test_ledger_export_is_scoped_and_filtered_by_month(cast, client_of):
    import datetime

    from monitoring.models import LedgerEntry

    for household in (cast.alice_household, cast.bob_household):
        for month in (9, 10):
            LedgerEntry.objects.create(household=household, period=datetime.date(2026, month, 1), household_size=3)
    response = client_of(cast.alice).get(reverse("exchange:export_ledgers") + "?month=2026-10")
    rows = [[c.value for c in r] for r in _cells(response)[3:]]
    assert [(r[0], r[3]) for r in rows] == [(cast.alice_household.code, "2026-10")]
