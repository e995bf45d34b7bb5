"""我的户, the households without a cadre, and naming a cadre on the household's page."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadres import services
from cadres.models import HouseholdCadre
from monitoring.models import Alert, MonitoringCase, Visit
from tests.factories import HouseholdFactory


def _rows(response):
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(book.active.iter_rows(values_only=True))


@pytest.fixture
def paired(cast):
    """Alice answers for her household and one more; a third Yangkou household is Carol's."""
    services.cadre_assign(household=cast.alice_household, actor=cast.alice, user=cast.alice)
    second = HouseholdFactory(head_name="洋口户主郑三", township=cast.yangkou, settlement=cast.yangkou_site)
    services.cadre_assign(household=second, actor=cast.alice, user=cast.alice)
    carols = HouseholdFactory(head_name="洋口户主王五", township=cast.yangkou, settlement=cast.yangkou_site)
    services.cadre_assign(household=carols, actor=cast.alice, user=cast.carol)
    services.cadre_assign(household=cast.bob_household, actor=cast.bob, user=cast.bob)
    cast.second, cast.carols = second, carols
    return cast


@pytest.mark.django_db
def test_my_households_shows_only_the_cadres_own_households(paired, client_of):
    cast = paired
    body = client_of(cast.alice).get(reverse("cadres:my_households")).content.decode()
    assert "洋口户主周一" in body and "洋口户主郑三" in body
    assert "洋口户主王五" not in body and "横山户主吴二" not in body
    body = client_of(cast.carol).get(reverse("cadres:my_households")).content.decode()
    assert "洋口户主王五" in body and "洋口户主周一" not in body


@pytest.mark.django_db
def test_a_household_that_left_the_cadres_area_leaves_my_households(paired, client_of):
    cast = paired
    # Bob's pairing went stale: the household now belongs to Yangkou, which Bob does not cover.
    HouseholdCadre.objects.filter(household=cast.alice_household).update(user=cast.bob)
    body = client_of(cast.bob).get(reverse("cadres:my_households")).content.decode()
    assert "横山户主吴二" in body and "洋口户主周一" not in body


@pytest.mark.django_db
def test_my_households_shows_visits_due_alerts_cases_and_last_visit(paired, client_of):
    cast = paired
    today = datetime.date.today()
    Visit.objects.create(
        household=cast.alice_household,
        visited_on=today - datetime.timedelta(days=100),
        findings="正常",
        next_visit_on=today - datetime.timedelta(days=10),
    )
    Alert.objects.create(household=cast.alice_household, rule="self_application", period=today, evidence={})
    MonitoringCase.objects.create(
        household=cast.alice_household,
        object_type="sudden",
        risk_types=["illness"],
        discovery_channel="cadre_check",
        identified_at=today,
    )
    response = client_of(cast.alice).get(reverse("cadres:my_households"))
    assert response.context["summary"] == {"households": 2, "visits_due": 2, "open_alerts": 1, "open_cases": 1}
    first = response.context["households"][0]
    assert first.pk == cast.alice_household.pk  # the most overdue first
    assert (first.open_alerts, first.open_cases) == (1, 1)
    assert first.last_visit_on == today - datetime.timedelta(days=100)
    assert first.visit_due_on == today - datetime.timedelta(days=10)
    body = response.content.decode()
    assert "逾期" in body and "1 条未处理预警" in body

    rows = _rows(client_of(cast.alice).get(reverse("cadres:my_households") + "?export=xlsx"))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "户编号")
    data = rows[header + 1 :]
    assert [r[1] for r in data] == ["洋口户主周一", "洋口户主郑三"]
    assert data[0][-2:] == (1, 1)


@pytest.mark.django_db
def test_my_households_is_paginated(cast, client_of):
    for i in range(55):
        household = HouseholdFactory(head_name=f"洋口户{i:02d}", township=cast.yangkou)
        services.cadre_assign(household=household, actor=cast.alice, user=cast.alice)
    first = client_of(cast.alice).get(reverse("cadres:my_households"))
    assert first.context["page_obj"].paginator.count == 55
    assert len(first.context["households"]) < 55
    names = set()
    for page in range(1, first.context["page_obj"].paginator.num_pages + 1):
        response = client_of(cast.alice).get(reverse("cadres:my_households") + f"?page={page}")
        names |= {h.head_name for h in response.context["households"]}
    assert len(names) == 55


@pytest.mark.django_db
def test_an_empty_my_households_says_what_to_do(cast, client_of):
    body = client_of(cast.alice).get(reverse("cadres:my_households")).content.decode()
    assert "还没有" in body and reverse("relocation:household_list") in body


@pytest.mark.django_db
def test_township_staff_land_on_my_households_site_staff_on_their_site_heads_on_the_dashboard(cast, client_of):
    def landing(user):
        return client_of(user).get("/", follow=True).redirect_chain[-1][0]

    assert landing(cast.alice) == reverse("cadres:my_households")
    site = reverse("settlements:settlement_detail", kwargs={"settlement_pk": cast.yangkou_site.pk})
    assert landing(cast.carol) == site
    assert landing(cast.grace) == reverse("dashboards:overview")
    department = reverse("assistance:department_detail", kwargs={"department_pk": cast.department.pk})
    assert landing(cast.erin) == department


@pytest.mark.django_db
def test_the_township_head_lists_households_without_a_cadre(paired, client_of):
    cast = paired
    lonely = HouseholdFactory(head_name="横山无人户", township=cast.hengshan)
    body = client_of(cast.grace).get(reverse("cadres:without_cadre")).content.decode()
    assert "横山无人户" in body and "横山户主吴二" not in body and "洋口" not in body
    rows = _rows(client_of(cast.grace).get(reverse("cadres:without_cadre") + "?export=xlsx"))
    assert rows[2][:2] == ("户编号", "户主") and any(len(r) > 1 and r[1] == "横山无人户" for r in rows)
    services.cadre_assign(household=lonely, actor=cast.grace, user=cast.grace)
    body = client_of(cast.grace).get(reverse("cadres:without_cadre")).content.decode()
    assert "横山无人户" not in body and "每户都已" in body
    assert client_of(cast.carol).get(reverse("cadres:without_cadre")).status_code == 403


@pytest.mark.django_db
def test_alice_names_a_cadre_on_the_household_page_and_the_history_shows_it(cast, client_of):
    client = client_of(cast.alice)
    url = reverse("cadres:assign", kwargs={"household_pk": cast.alice_household.pk})
    response = client.post(url, {"user": "", "name": "王村干", "unit": "洋口镇政府", "phone": "139 1111 2222"})
    assert response.status_code == 302
    cadre = HouseholdCadre.objects.get(household=cast.alice_household)
    assert (cadre.name, cadre.phone, cadre.assigned_by) == ("王村干", "13911112222", cast.alice)
    detail = client.get(reverse("relocation:household_detail", kwargs={"household_pk": cast.alice_household.pk}))
    body = detail.content.decode()
    assert "帮扶责任人" in body and "王村干" in body and "13911112222" not in body
    page = client.get(url).content.decode()
    assert "王村干" in page and "周爱丽" in page  # the history names who assigned


@pytest.mark.django_db
def test_a_user_of_another_township_cannot_be_chosen_and_nothing_is_written(cast, client_of):
    url = reverse("cadres:assign", kwargs={"household_pk": cast.alice_household.pk})
    response = client_of(cast.alice).post(url, {"user": cast.bob.pk, "name": "", "unit": "", "phone": ""})
    assert response.status_code == 200 and response.context["form"].errors["user"]
    assert not HouseholdCadre.objects.exists()


@pytest.mark.django_db
def test_site_staff_see_the_cadre_but_cannot_change_it(cast, client_of):
    url = reverse("cadres:assign", kwargs={"household_pk": cast.alice_household.pk})
    client = client_of(cast.carol)
    assert client.get(url).status_code == 200
    assert client.post(url, {"user": cast.carol.pk}).status_code == 403
    remove = reverse("cadres:unassign", kwargs={"household_pk": cast.alice_household.pk})
    assert client.post(remove).status_code == 403


@pytest.mark.django_db
def test_a_head_keeps_the_masked_phone_by_leaving_it_empty(cast, client_of):
    services.cadre_assign(household=cast.bob_household, actor=cast.bob, name="赵村干", phone="13922223333", unit="村委")
    client = client_of(cast.grace)
    url = reverse("cadres:assign", kwargs={"household_pk": cast.bob_household.pk})
    page = client.get(url).content.decode()
    assert "13922223333" not in page and "139****3333" in page
    client.post(url, {"user": "", "name": "赵村干", "unit": "横山镇村委会", "phone": ""})
    cadre = HouseholdCadre.objects.get(household=cast.bob_household)
    assert (cadre.unit, cadre.phone) == ("横山镇村委会", "13922223333")


@pytest.mark.django_db
def test_a_new_measure_names_the_households_cadre(cast, client_of):
    from assistance.models import AssistancePlan

    services.cadre_assign(household=cast.alice_household, actor=cast.alice, user=cast.carol)
    plan = AssistancePlan.objects.create(household=cast.alice_household, summary="因病")
    form = client_of(cast.alice).get(reverse("assistance:measure_create", kwargs={"plan_pk": plan.pk})).context["form"]
    assert form.initial["cadre"] == cast.carol.display_name
