"""Figures are true: each number on a dashboard equals the length of the list it drills into."""

import pytest
from django.urls import reverse

from relocation.models import Household, Member
from tests.dashboards.helpers import card, chart, list_count
from tests.factories import HouseholdFactory, MemberFactory, SettlementFactory

S = Household.Status


@pytest.fixture
def district(cast):
    """Yangkou with two sites and households of every status, type and placement; Hengshan with a few."""
    second_site = SettlementFactory(name="洋口二号安置点", township=cast.yangkou, kind="rural")
    for status, n in ((S.NORMAL, 3), (S.MONITORED, 2), (S.ELIMINATED, 1)):
        for _ in range(n):
            h = HouseholdFactory(township=cast.yangkou, settlement=cast.yangkou_site, status=status)
            MemberFactory(household=h)
    homestead = HouseholdFactory(
        township=cast.yangkou,
        settlement=second_site,
        placement=Household.Placement.HOMESTEAD,
        household_type=Household.Type.ALONGSIDE,
    )
    # Zero-employment: one member able and willing to work, nobody employed.
    MemberFactory(household=homestead, employment=Member.Employment.NOT_EMPLOYED)
    MemberFactory(household=homestead, labour_capacity=Member.Labour.NONE, employment=Member.Employment.NOT_EMPLOYED)
    # Not zero-employment: nobody can work (safety net, not the employment goal).
    safety_net = HouseholdFactory(township=cast.yangkou, settlement=second_site)
    MemberFactory(household=safety_net, labour_capacity=Member.Labour.NONE, employment=Member.Employment.NOT_EMPLOYED)
    # Not zero-employment: the able member is unwilling, another works on a public-welfare post.
    mixed = HouseholdFactory(township=cast.yangkou, settlement=second_site, status=S.MONITORED)
    MemberFactory(household=mixed, willing_to_work=False, employment=Member.Employment.NOT_EMPLOYED)
    MemberFactory(household=mixed, employment=Member.Employment.WELFARE_POST)
    # A household recorded at no site still counts in its township.
    HouseholdFactory(township=cast.yangkou, settlement=None)
    for _ in range(2):
        h = HouseholdFactory(township=cast.hengshan, settlement=cast.hengshan_site, status=S.MONITORED)
        MemberFactory(household=h)
    cast.second_site = second_site
    return cast


def dashboard(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context


def linked_numbers(context):
    """Every (label, number, url) on the page whose number links to a list."""
    found = [(c["label"], c["value"], c["url"]) for c in context["cards"] if c["url"]]
    for ch in context["charts"]:
        for row, cells in zip(ch["rows"], ch["cell_links"], strict=True):
            label = f"{ch['key']}:{row[0]}"
            found.extend((f"{label}:{ch['columns'][i]}", row[i], url) for i, url in enumerate(cells) if url)
    return found


@pytest.mark.parametrize("user", ["frank", "alice", "carol", "grace"])
def test_every_linked_number_equals_its_list(district, client_of, user):
    client = client_of(getattr(district, user))
    pages = [reverse("dashboards:overview")]
    context = dashboard(client, pages[0])
    # Walk down the drill-down: each township and site page the user can reach from here.
    for ch in context["charts"]:
        pages.extend(link for link in ch["links"] if link and link.startswith("/dashboards/"))
    counted: dict[str, int] = {}  # the same list is linked from several pages: count it once
    checked = 0
    for page in pages:
        for label, value, url in linked_numbers(dashboard(client, page)):
            if url not in counted:
                counted[url] = list_count(client, url)
            assert counted[url] == value, f"{user} {page} {label}: {value} but the list at {url} has {counted[url]}"
            checked += 1
    assert checked >= 10  # the walk did reach the numbers


def test_the_district_figures(district, client_of):
    context = dashboard(client_of(district.frank), reverse("dashboards:overview"))

    assert card(context, "households")["value"] == 14
    assert card(context, "people")["value"] == 15
    assert card(context, "monitored")["value"] == 2 + 1 + 2
    assert card(context, "zero_employment")["value"] == 1
    assert card(context, "zero_employment")["alarm"] is True
    townships = {row[0]: row for row in chart(context, "townships")["rows"]}
    assert townships["洋口镇"][1] == 11
    assert townships["横山镇"][1:3] == [3, 3]


def test_the_employment_rate_counts_members_able_and_willing_to_work(district, client_of):
    context = dashboard(client_of(district.alice), reverse("dashboards:township", args=[district.yangkou.pk]))

    # Able and willing in Yangkou: the original head, six in the site, the zero-employment
    # household's one, and the welfare-post worker. The unwilling member and those with no
    # labour capacity are not counted.
    rate = card(context, "employment_rate")
    assert rate["value"] == round(100 * 8 / 9, 1)
    employment = {row[0]: row for row in chart(context, "employment")["rows"]}
    assert employment[Member.Employment.WELFARE_POST.label][1] == 1
    assert employment[Member.Employment.NOT_EMPLOYED.label][1:] == [1, 4]


def test_households_at_no_site_are_shown_so_that_the_sites_add_up(district, client_of):
    context = dashboard(client_of(district.alice), reverse("dashboards:township", args=[district.yangkou.pk]))

    sites = chart(context, "settlements")
    assert sum(row[1] for row in sites["rows"]) == card(context, "households")["value"] == 11
    # The last row is the household at no site: counted, but with no list to drill into.
    assert sites["rows"][-1][1] == 1
    assert sites["links"][-1] is None


def test_a_settlement_page_counts_only_its_site(district, client_of):
    context = dashboard(client_of(district.frank), reverse("dashboards:settlement", args=[district.second_site.pk]))

    assert card(context, "households")["value"] == 3
    assert card(context, "zero_employment")["value"] == 1
    assert "settlements" not in [c["key"] for c in context["charts"]]
    status = {row[0]: row[1] for row in chart(context, "status")["rows"]}
    assert status[S.MONITORED.label] == 1


def test_open_alerts_are_counted_by_rule_and_match_the_alert_queue(cast, client_of):
    from monitoring.models import Alert

    Alert.objects.create(household=cast.alice_household, rule=Alert.Rule.ZERO_EMPLOYMENT)
    Alert.objects.create(household=cast.bob_household, rule=Alert.Rule.INCOME_LOW)
    Alert.objects.create(household=cast.bob_household, rule=Alert.Rule.VISIT_OVERDUE, status=Alert.Status.DISMISSED)
    client = client_of(cast.frank)

    context = dashboard(client, reverse("dashboards:overview"))

    assert card(context, "open_alerts")["value"] == 2
    rules = {row[0]: row[1] for row in chart(context, "alert_rules")["rows"]}
    assert rules[Alert.Rule.INCOME_LOW.label] == 1
    assert rules[Alert.Rule.VISIT_OVERDUE.label] == 0
    assert list_count(client, card(context, "open_alerts")["url"]) == 2
    # Grace (Hengshan) sees Bob's alert only.
    assert card(dashboard(client_of(cast.grace), reverse("dashboards:overview")), "open_alerts")["value"] == 1


def test_a_township_page_links_its_alerts_and_cases_to_lists_of_that_township(cast, client_of):
    from monitoring.models import Alert, MonitoringCase

    Alert.objects.create(household=cast.alice_household, rule=Alert.Rule.ZERO_EMPLOYMENT)
    Alert.objects.create(household=cast.bob_household, rule=Alert.Rule.INCOME_LOW)
    Alert.objects.create(household=cast.bob_household, rule=Alert.Rule.ZERO_EMPLOYMENT)
    for household in (cast.alice_household, cast.bob_household):
        MonitoringCase.objects.create(
            household=household,
            object_type=MonitoringCase.ObjectType.UNSTABLE,
            risk_types=["illness"],
            discovery_channel="system_screening",
            status=MonitoringCase.Status.APPROVED,
            identified_at=household.created_at.date(),
        )
    client = client_of(cast.frank)
    context = dashboard(client, reverse("dashboards:township", kwargs={"township_pk": cast.hengshan.pk}))

    alerts = card(context, "open_alerts")
    assert alerts["value"] == 2 and f"township={cast.hengshan.pk}" in alerts["url"]
    assert list_count(client, alerts["url"]) == 2
    by_rule = chart(context, "alert_rules")
    rules = dict(zip((r[0] for r in by_rule["rows"]), by_rule["links"], strict=True))
    assert list_count(client, rules[Alert.Rule.ZERO_EMPLOYMENT.label]) == 1
    cases = card(context, "open_cases")
    assert cases["value"] == 1 and list_count(client, cases["url"]) == 1
    page = client.get(cases["url"])
    assert [c.household for c in page.context["cases"]] == [cast.bob_household]
    assert "仅显示横山镇的户" in page.content.decode()
    # A township outside the user's scope gives an empty list, not another township's cases.
    alice = client_of(cast.alice)
    assert list_count(alice, f"{reverse('monitoring:case_list')}?status=open&township={cast.hengshan.pk}") == 0
