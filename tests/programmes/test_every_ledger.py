"""Issue 17's tests per ledger, one table for all nine: scope, masking of ID numbers, export, history.

Each ledger has a row in Alice's township (洋口镇) that names the member Alice looks after where the
ledger records members (workers, borrowers, trainees, employees). Bob (横山镇) must neither list it
nor open it; Frank (a district head, who may not see full ID numbers) sees that member's number
masked on the list, on the row's page and in the Excel export, and his export is in the access log.
"""

import contextlib
from dataclasses import dataclass

import pytest
from django import forms
from django.urls import NoReverseMatch, reverse

from accounts.models import AccessLog
from assistance.models import EmploymentRecord
from programmes.ledgers import LEDGERS
from relocation.idnumbers import mask_id_number
from tests.programmes.factories import days_ago, yangkou_rows
from tests.test_access_matrix import readable_text

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    name: str  # URL name prefix: programmes:<name>_list
    slug: str  # key of programmes.ledgers.LEDGERS
    row: str  # key of the Yangkou row
    marker: str  # attribute path of text that shows the row in its list and export
    edit_field: str | None  # a text field the edit form changes; None: the ledger has no edit page
    shows_member: tuple  # where the ledger shows a member's ID number: "list", "detail", "export"


CASES = [
    # Workshops and work-for-relief projects list their workers on the row's page only.
    Case("workshop", "workshops", "workshop", "name", "operator", ("detail",)),
    Case("relief", "relief", "relief", "name", "owner_unit", ("detail",)),
    Case("loan", "loans", "loan", "bank", "bank", ("list", "detail", "export")),
    Case("product", "products", "product", "name", "maker", ()),
    Case("sales", "sales", "sales", "product.name", "buyer", ()),
    Case("benefit", "benefits", "benefit", "counterparty", "counterparty", ()),
    Case("project", "library", "project", "name", "owner_unit", ()),
    Case("training", "trainings", "training", "course", "organizer", ("list", "detail", "export")),
    Case("record", "employment", "record", "employer", None, ("list", "export")),
]
IDS = [c.name for c in CASES]


def _rows(cast):
    rows = yangkou_rows(cast)
    if "record" not in rows:
        member = cast.alice_member
        rows["record"] = EmploymentRecord.objects.create(
            household=member.household,
            member=member,
            kind=EmploymentRecord._meta.get_field("kind").choices[0][0],
            employer="洋口就业标记",
            start_date=days_ago(50),
        )
    return rows


def _text(obj, path):
    for part in path.split("."):
        obj = getattr(obj, part)
    return str(obj)


def _row_urls(case, row):
    """The row's own pages (detail and edit, where the ledger has them)."""
    key = LEDGERS[case.slug].key
    urls = []
    for page in ("detail", "edit"):
        with contextlib.suppress(NoReverseMatch):  # not every ledger has both pages
            urls.append(reverse(f"programmes:{case.name}_{page}", kwargs={key: row.pk}))
    return urls


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_another_townships_row_is_neither_listed_nor_opened_nor_exported(case, cast, client_of):
    rows = _rows(cast)
    row, text = rows[case.row], _text(rows[case.row], case.marker)
    urls = _row_urls(case, row)
    if case.name != "record":  # employment rows open on the household page (relocation app)
        assert urls, "a ledger with rows of its own must have a row page"
    alice = client_of(cast.alice)
    assert text in alice.get(reverse(f"programmes:{case.name}_list")).content.decode()
    for url in urls:
        assert alice.get(url).status_code == 200, url
    bob = client_of(cast.bob)  # the same test client, now signed in as Bob
    assert text not in bob.get(reverse(f"programmes:{case.name}_list")).content.decode()
    assert text not in readable_text(bob.get(reverse(f"programmes:{case.name}_export")))
    for url in urls:
        assert bob.get(url).status_code == 404, url
        assert bob.post(url, {}).status_code in (404, 405), url


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_members_id_numbers_are_masked_for_a_head_everywhere_and_the_export_is_logged(case, cast, client_of):
    rows = _rows(cast)
    row = rows[case.row]
    full = cast.alice_member.id_number
    masked = mask_id_number(full)
    frank = client_of(cast.frank)
    pages = {"list": frank.get(reverse(f"programmes:{case.name}_list"))}
    detail = [u for u in _row_urls(case, row) if not u.endswith("/edit/")]
    if detail:
        pages["detail"] = frank.get(detail[0])
    before = AccessLog.objects.filter(user=cast.frank, action=AccessLog.Action.EXPORT).count()
    pages["export"] = frank.get(reverse(f"programmes:{case.name}_export"))
    for where, response in pages.items():
        assert response.status_code == 200, where
        body = readable_text(response)
        assert full not in body, where
        if where in case.shows_member:
            assert masked in body, where
    logs = AccessLog.objects.filter(user=cast.frank, action=AccessLog.Action.EXPORT)
    assert logs.count() == before + 1
    assert logs.latest("pk").object_type == LEDGERS[case.slug].model._meta.label_lower
    assert logs.latest("pk").rows >= 1
    # Alice (township staff, may see full numbers) gets the full number in her export.
    if "export" in case.shows_member:
        assert full in readable_text(client_of(cast.alice).get(reverse(f"programmes:{case.name}_export")))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_export_holds_the_row(case, cast, client_of):
    rows = _rows(cast)
    response = client_of(cast.alice).get(reverse(f"programmes:{case.name}_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _text(rows[case.row], case.marker) in readable_text(response)


def _form_data(form):
    """What the edit page's form posts back unchanged."""
    data = {}
    for name, bound in form.fields.items():
        value = form[name].value()
        if isinstance(bound.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
            continue
        if value is None:
            data[name] = ""
            continue
        formatted = bound.widget.format_value(value)
        data[name] = "" if formatted is None else formatted
    return data


@pytest.mark.parametrize("case", [c for c in CASES if c.edit_field], ids=[c.name for c in CASES if c.edit_field])
def test_an_edit_leaves_a_history_record(case, cast, client_of):
    rows = _rows(cast)
    row = rows[case.row]
    ledger = LEDGERS[case.slug]
    before = row.history.count()
    form = ledger.form_class(instance=ledger.model.objects.get(pk=row.pk), user=cast.alice)
    data = _form_data(form)
    data[case.edit_field] = "改后标记"
    url = reverse(f"programmes:{case.name}_edit", kwargs={ledger.key: row.pk})
    response = client_of(cast.alice).post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    row.refresh_from_db()
    assert _text(row, case.edit_field) == "改后标记"
    assert row.history.count() == before + 1
    latest = row.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == cast.alice
    page = client_of(cast.alice).get(reverse(f"programmes:{case.name}_detail", kwargs={ledger.key: row.pk}))
    assert "改后标记" in page.content.decode()


def test_the_table_covers_every_ledger_with_pages_of_its_own():
    # Fund allocations are the library project's rows (tested with it); every other ledger is in the table.
    assert {c.slug for c in CASES} == set(LEDGERS) - {"funds"}
