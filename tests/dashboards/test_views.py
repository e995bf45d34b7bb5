from io import BytesIO

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AccessLog
from dashboards import cache
from relocation.models import Household
from tests.dashboards.helpers import bulk_households, card, chart
from tests.factories import HouseholdFactory, MemberFactory, UserFactory

OVERVIEW = reverse("dashboards:overview")


def test_it_needs_a_login(client, db):
    assert client.get(OVERVIEW).status_code == 302


def test_bureau_staff_are_refused(cast, client_of):
    assert client_of(cast.erin).get(OVERVIEW).status_code == 403


def test_a_township_head_sees_only_their_township(cast, client_of):
    HouseholdFactory(township=cast.yangkou, settlement=cast.yangkou_site)
    client = client_of(cast.grace)

    response = client.get(OVERVIEW)

    body = response.content.decode()
    assert "横山镇" in body and "横山安置点" in body
    assert "洋口镇" not in body and cast.yangkou_site.name not in body
    assert card(response.context, "households")["value"] == 1
    assert [row[0] for row in chart(response.context, "townships")["rows"]] == ["横山镇"]


@pytest.mark.parametrize(
    "name, kwarg",
    [
        ("dashboards:township", "township"),
        ("dashboards:township_export", "township"),
        ("dashboards:settlement", "site"),
        ("dashboards:settlement_export", "site"),
    ],
)
def test_another_townships_pages_are_not_found(cast, client_of, name, kwarg):
    pk = cast.yangkou.pk if kwarg == "township" else cast.yangkou_site.pk
    for user in (cast.grace, cast.bob, cast.dave):
        assert client_of(user).get(reverse(name, args=[pk])).status_code == 404


def test_settlement_staff_see_their_own_site_in_its_township(cast, client_of):
    HouseholdFactory(township=cast.yangkou, settlement=None)  # in Carol's township, not at her site
    client = client_of(cast.carol)

    overview = client.get(OVERVIEW)
    township = client.get(reverse("dashboards:township", args=[cast.yangkou.pk]))

    assert card(overview.context, "households")["value"] == 1
    assert card(township.context, "households")["value"] == 1
    assert client.get(reverse("dashboards:township", args=[cast.hengshan.pk])).status_code == 404


def test_a_user_with_no_scope_gets_an_empty_dashboard(cast, client_of):
    user = UserFactory(role="head")

    response = client_of(user).get(OVERVIEW)

    assert response.status_code == 200
    assert card(response.context, "households")["value"] == 0
    assert 'id="dashboard-empty"' in response.content.decode()


def test_each_role_lands_on_its_own_work(cast, client_of):
    from tests.monitoring.chain import office_user

    home = reverse("dashboards:home")
    assert client_of(cast.frank).get(home)["Location"] == OVERVIEW
    assert client_of(cast.alice).get(home)["Location"] == reverse("cadres:my_households")
    # Community staff of one site land on that site's page; bureau staff on their department's tasks.
    site = reverse("settlements:settlement_detail", kwargs={"settlement_pk": cast.yangkou_site.pk})
    assert client_of(cast.carol).get(home)["Location"] == site
    department = reverse("assistance:department_detail", kwargs={"department_pk": cast.department.pk})
    assert client_of(cast.erin).get(home)["Location"] == department
    assert client_of(office_user()).get(home)["Location"] == reverse("accounts:approvals")
    assert client_of(cast.admin).get(home)["Location"] == reverse("relocation:household_list")


def test_community_staff_of_several_sites_land_on_their_sites_list(cast, client_of):
    cast.carol.settlements.add(cast.hengshan_site)
    response = client_of(cast.carol).get(reverse("dashboards:home"))
    assert response["Location"] == reverse("settlements:settlement_list")


def _cold_queries(client, url) -> int:
    # A first request settles the session (its first save is a query of its own), then the figures
    # are computed afresh for the measured one.
    client.get(url)
    django_cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.slow
def test_the_query_count_does_not_grow_with_the_households(cast, client_of, django_assert_max_num_queries):
    client = client_of(cast.frank)
    township_url = reverse("dashboards:township", args=[cast.yangkou.pk])
    bulk_households(100, township=cast.yangkou, settlement=cast.yangkou_site)
    small = {url: _cold_queries(client, url) for url in (OVERVIEW, township_url)}

    bulk_households(9_900, township=cast.yangkou, settlement=cast.yangkou_site, start=100)
    bulk_households(50, township=cast.hengshan, settlement=cast.hengshan_site)
    assert Household.objects.count() >= 10_000
    large = {url: _cold_queries(client, url) for url in (OVERVIEW, township_url)}

    assert large == small
    django_cache.clear()
    with django_assert_max_num_queries(25):
        response = client.get(OVERVIEW)
    assert card(response.context, "households")["value"] == 10_052
    # Warm: the figures come from the cache; only the session, the user and the menu are read.
    with CaptureQueriesContext(connection) as warm:
        client.get(OVERVIEW)
    assert not [q["sql"] for q in warm.captured_queries if "relocation_" in q["sql"]]
    assert len(warm) < small[OVERVIEW]


def test_a_save_makes_the_figures_fresh(cast, client_of, django_capture_on_commit_callbacks):
    client = client_of(cast.frank)
    assert card(client.get(OVERVIEW).context, "households")["value"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        MemberFactory(household=HouseholdFactory(township=cast.hengshan))

    response = client.get(OVERVIEW)
    assert card(response.context, "households")["value"] == 3
    assert card(response.context, "people")["value"] == 3


def test_bulk_writes_show_after_a_bump(cast, client_of):
    client = client_of(cast.frank)
    assert card(client.get(OVERVIEW).context, "households")["value"] == 2

    bulk_households(5, township=cast.hengshan)  # bulk_create sends no signal
    assert card(client.get(OVERVIEW).context, "households")["value"] == 2  # still the cached page

    cache.bump()
    assert card(client.get(OVERVIEW).context, "households")["value"] == 7


def test_the_generation_survives_eviction_without_going_back(db):
    cache.bump()
    before = cache.generation()
    django_cache.delete(cache.GENERATION_KEY)
    cache.bump()
    assert cache.generation() > before


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def test_a_chart_exports_its_table(cast, client_of):
    client = client_of(cast.frank)

    response = client.get(reverse("dashboards:overview_export"), {"chart": "townships"})

    sheet = _workbook(response).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    names = [row[0] for row in values[3:]]
    assert names == ["洋口镇", "横山镇"]
    assert values[3][1] == 1
    assert AccessLog.objects.filter(user=cast.frank, action=AccessLog.Action.EXPORT, rows=2).exists()


def test_the_whole_dashboard_exports_one_sheet_per_chart(cast, client_of):
    client = client_of(cast.grace)

    response = client.get(reverse("dashboards:township_export", args=[cast.hengshan.pk]))

    workbook = _workbook(response)
    page = client.get(reverse("dashboards:township", args=[cast.hengshan.pk])).context
    assert len(workbook.sheetnames) == 1 + len(page["charts"])
    text = " ".join(str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    assert "横山镇" in text and "洋口" not in text


def test_an_unknown_chart_is_not_found(cast, client_of):
    assert client_of(cast.frank).get(reverse("dashboards:overview_export"), {"chart": "nope"}).status_code == 404


def test_the_page_carries_its_charts_and_prints(cast, client_of):
    body = client_of(cast.frank).get(OVERVIEW).content.decode()

    assert 'id="dashboard-charts"' in body
    assert "vendor/echarts/echarts.min.js" in body and "dashboards/dashboards.js" in body
    assert 'data-chart="townships"' in body
    assert "<script>" not in body and 'style="' not in body  # the CSP allows neither


def test_the_export_holds_no_other_townships_places(cast, client_of):
    for user in cast.everyone_but_yangkou():
        response = client_of(user).get(reverse("dashboards:overview_export"))
        if user in (cast.erin, cast.nobody) and response.status_code == 403:
            continue  # no dashboard at all for bureau staff
        workbook = _workbook(response)
        text = " ".join(str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row)
        assert "洋口" not in text, user.username
        assert cast.alice_household.code not in text
