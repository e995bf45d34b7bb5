import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assistance.models import EmploymentRecord, TrainingRecord
from programmes.models import (
    FundAllocation,
    LibraryProject,
    Loan,
    LoanRepayment,
    ReliefWorker,
    SalesChannel,
    SalesRecord,
    Workshop,
    WorkshopWorker,
)
from relocation.idnumbers import mask_id_number
from tests.factories import HouseholdFactory, MemberFactory, SettlementFactory
from tests.programmes.factories import (
    BenefitLinkFactory,
    LibraryProjectFactory,
    LoanFactory,
    ProductFactory,
    ReliefProjectFactory,
    SalesChannelFactory,
    WorkshopFactory,
    days_ago,
    yangkou_rows,
)
from tests.settlements.factories import AssetFactory
from tests.test_access_matrix import readable_text

pytestmark = pytest.mark.django_db

# (URL name prefix, keyword, row in yangkou_rows, text of the row shown in its list)
LEDGERS = [
    ("workshop", "workshop_pk", "workshop", lambda r: r["workshop"].name),
    ("relief", "relief_pk", "relief", lambda r: r["relief"].name),
    ("loan", "loan_pk", "loan", lambda r: r["loan"].bank),
    ("product", "product_pk", "product", lambda r: r["product"].name),
    ("sales", "sales_pk", "sales", lambda r: r["sales"].product.name),
    ("benefit", "benefit_pk", "benefit", lambda r: r["benefit"].counterparty),
    ("project", "project_pk", "project", lambda r: r["project"].name),
    ("training", "training_pk", "training", lambda r: r["training"].course),
]


@pytest.mark.parametrize(("name", "key", "row", "marker"), LEDGERS, ids=[n for n, *_ in LEDGERS])
def test_each_ledger_shows_its_own_rows_exports_them_and_hides_the_neighbours(name, key, row, marker, cast, client_of):
    rows = yangkou_rows(cast)
    text = marker(rows)
    detail = reverse(f"programmes:{name}_detail", kwargs={key: rows[row].pk})
    for user in (cast.alice, cast.frank):
        client = client_of(user)
        assert text in client.get(reverse(f"programmes:{name}_list")).content.decode()
        assert client.get(detail).status_code == 200
        assert text in readable_text(client.get(reverse(f"programmes:{name}_export")))
    client = client_of(cast.bob)
    assert text not in client.get(reverse(f"programmes:{name}_list")).content.decode()
    assert client.get(detail).status_code == 404
    assert text not in readable_text(client.get(reverse(f"programmes:{name}_export")))


@pytest.mark.parametrize("name", ["loan", "training"])
def test_members_id_numbers_are_masked_for_those_who_may_not_see_them(name, cast, client_of):
    yangkou_rows(cast)
    full = cast.alice_member.id_number
    masked = mask_id_number(full)
    alice = readable_text(client_of(cast.alice).get(reverse(f"programmes:{name}_export")))
    assert full in alice
    frank = client_of(cast.frank)
    for response in (frank.get(reverse(f"programmes:{name}_list")), frank.get(reverse(f"programmes:{name}_export"))):
        body = readable_text(response)
        assert masked in body
        assert full not in body


def test_workshop_workers_are_masked_on_the_workshop_page(cast, client_of):
    workshop = yangkou_rows(cast)["workshop"]
    url = reverse("programmes:workshop_detail", kwargs={"workshop_pk": workshop.pk})
    body = client_of(cast.frank).get(url).content.decode()
    assert cast.alice_member.name in body
    assert mask_id_number(cast.alice_member.id_number) in body
    assert cast.alice_member.id_number not in body


def test_a_workshop_worker_is_found_by_id_number_and_gets_an_employment_record(cast, client_of):
    workshop = WorkshopFactory(settlement=cast.yangkou_site, name="洋口扶贫车间")
    member = MemberFactory(household=cast.alice_household, name="周二妹")
    url = reverse("programmes:workshop_worker_add", kwargs={"workshop_pk": workshop.pk})
    response = client_of(cast.alice).post(
        url,
        {"id_number": member.id_number, "job": "缝纫工", "start_date": days_ago(3).isoformat(), "monthly_wage": "2800"},
    )
    assert response.status_code == 302
    worker = WorkshopWorker.objects.get(workshop=workshop, member=member)
    record = EmploymentRecord.objects.get(member=member)
    assert worker.employment == record
    assert record.employer == "洋口扶贫车间"
    site_page = client_of(cast.alice).get(
        reverse("settlements:settlement_detail", kwargs={"settlement_pk": cast.yangkou_site.pk})
    )
    assert "洋口扶贫车间" in site_page.content.decode()
    assert Workshop.objects.filter(pk=workshop.pk).count() == 1


def test_a_worker_who_is_not_a_relocated_member_is_refused(cast, client_of):
    workshop = WorkshopFactory(settlement=cast.yangkou_site)
    url = reverse("programmes:workshop_worker_add", kwargs={"workshop_pk": workshop.pk})
    # Bob's member is a relocated member, but not in Alice's area; an unknown number is no member at all.
    for number in ("362322199001011234", cast.bob_member.id_number):
        response = client_of(cast.alice).post(url, {"id_number": number, "start_date": days_ago(3).isoformat()})
        assert response.status_code == 400
        assert "您辖区内没有持此身份证号的搬迁户家庭成员" in response.content.decode()
    assert not WorkshopWorker.objects.exists()
    assert not EmploymentRecord.objects.exists()


def test_wages_for_days_after_the_project_end_are_refused(cast, client_of):
    project = ReliefProjectFactory(settlement=cast.yangkou_site, end_date=days_ago(10))
    url = reverse("programmes:relief_worker_add", kwargs={"relief_pk": project.pk})
    data = {
        "id_number": cast.alice_member.id_number,
        "first_day": days_ago(30).isoformat(),
        "last_day": days_ago(2).isoformat(),
        "days_worked": "20",
        "wages_paid": "3000",
    }
    response = client_of(cast.alice).post(url, data)
    assert response.status_code == 400
    assert "不能登记项目完工" in response.content.decode()
    assert not ReliefWorker.objects.exists()
    data["last_day"] = days_ago(10).isoformat()
    assert client_of(cast.alice).post(url, data).status_code == 302
    assert ReliefWorker.objects.get().wages_paid == Decimal("3000")


def test_the_relief_return_counts_relocated_workers_and_their_share(cast, client_of):
    project = ReliefProjectFactory(settlement=cast.yangkou_site, name="洋口产业路", total_workers=8)
    for _ in range(2):
        member = MemberFactory(household=HouseholdFactory(township=cast.yangkou, settlement=cast.yangkou_site))
        ReliefWorker.objects.create(
            project=project, member=member, household=member.household, first_day=days_ago(50),
            last_day=days_ago(20), days_worked=25, wages_paid=Decimal("5000"),
        )  # fmt: skip
    response = client_of(cast.alice).get(reverse("programmes:relief_return"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    row = next(r for r in sheet.iter_rows(values_only=True) if "洋口产业路" in r)
    assert row[12] == 2  # relocated workers
    assert Decimal(str(row[13])) == Decimal("25.0")  # 2 of 8 workers are relocated people
    assert row[14] == 50  # days
    assert Decimal(str(row[15])) == Decimal("1.00")  # 10,000 yuan of wages, in 10,000 yuan
    assert "洋口产业路" not in readable_text(client_of(cast.bob).get(reverse("programmes:relief_return")))


def test_a_repayment_larger_than_the_loan_is_refused_and_the_full_one_closes_it(cast, client_of):
    loan = LoanFactory(member=cast.alice_member, amount=Decimal("10000"))
    url = reverse("programmes:loan_repay", kwargs={"loan_pk": loan.pk})
    client = client_of(cast.alice)
    response = client.post(url, {"paid_on": days_ago(1).isoformat(), "principal": "12000", "interest": "0"})
    assert response.status_code == 400
    assert "超过贷款金额" in response.content.decode()
    assert not LoanRepayment.objects.exists()
    assert (
        client.post(url, {"paid_on": days_ago(1).isoformat(), "principal": "10000", "interest": "30"}).status_code
        == 302
    )
    loan.refresh_from_db()
    assert loan.status == Loan.Status.REPAID


def test_an_extension_moves_the_due_date_and_is_in_the_history(cast, client_of):
    loan = LoanFactory(member=cast.alice_member)
    old_due = loan.due_date
    new_due = old_due + datetime.timedelta(days=365)
    client = client_of(cast.alice)
    response = client.post(
        reverse("programmes:loan_extend", kwargs={"loan_pk": loan.pk}),
        {
            "kind": "extension",
            "approved_on": days_ago(1).isoformat(),
            "new_due_date": new_due.isoformat(),
            "reason": "受灾",
        },
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.due_date == new_due
    assert loan.status == Loan.Status.EXTENDED
    page = client.get(reverse("programmes:loan_detail", kwargs={"loan_pk": loan.pk})).content.decode()
    assert "到期日" in page and new_due.isoformat() in page
    assert "周爱丽" in page  # who changed it, from the history


def test_the_household_page_shows_its_open_loans(cast, client_of):
    LoanFactory(member=cast.alice_member, bank="洋口农商行")
    page = client_of(cast.alice).get(
        reverse("relocation:household_detail", kwargs={"household_pk": cast.alice_household.pk})
    )
    assert "洋口农商行" in page.content.decode()


def test_a_fund_allocation_above_the_planned_amount_is_refused(cast, client_of):
    project = LibraryProjectFactory(settlement=cast.yangkou_site, planned_amount=Decimal("300000"))
    url = reverse("programmes:project_allocate", kwargs={"project_pk": project.pk})
    client = client_of(cast.alice)
    ok = {"source": "linked", "allocated_on": days_ago(2).isoformat(), "allocated": "200000", "spent": "0"}
    assert client.post(url, ok).status_code == 302
    response = client.post(url, {**ok, "allocated": "150000"})
    assert response.status_code == 400
    assert "超过项目计划金额" in response.content.decode()
    assert FundAllocation.objects.filter(project=project).count() == 1


def test_a_completed_project_links_to_its_asset_and_the_asset_page_shows_it(cast, client_of):
    asset = AssetFactory(settlement=cast.yangkou_site, name="洋口扶贫车间厂房")
    project = LibraryProjectFactory(settlement=cast.yangkou_site, name="洋口车间建设项目")
    url = reverse("programmes:project_edit", kwargs={"project_pk": project.pk})
    data = {
        "township": cast.yangkou.pk, "settlement": cast.yangkou_site.pk, "name": project.name, "kind": "industry",
        "year": "2026", "planned_amount": "500000", "main_source": "linked", "owner_unit": "区农业农村局",
        "beneficiaries": "30", "status": "building", "asset": asset.pk,
    }  # fmt: skip
    client = client_of(cast.alice)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "只有已完工或已验收的项目" in response.content.decode()
    data |= {"status": "completed", "completed_on": days_ago(5).isoformat()}
    assert client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.asset == asset
    asset_page = client.get(reverse("settlements:asset_detail", kwargs={"asset_pk": asset.pk})).content.decode()
    assert "洋口车间建设项目" in asset_page


def test_sales_are_recorded_once_per_product_channel_and_month_and_deleted_with_history(cast, client_of):
    product = ProductFactory(settlement=cast.yangkou_site)
    channel = SalesChannelFactory()
    client = client_of(cast.alice)
    data = {"product": product.pk, "channel": channel.pk, "month": days_ago(35).strftime("%Y-%m"), "amount": "8000"}
    assert client.post(reverse("programmes:sales_create"), data).status_code == 302
    response = client.post(reverse("programmes:sales_create"), data)
    assert "本月已登记" in response.content.decode()
    sale = SalesRecord.objects.get()
    assert client.post(reverse("programmes:sales_delete", kwargs={"sales_pk": sale.pk})).status_code == 302
    assert not SalesRecord.objects.exists()
    assert SalesRecord.history.filter(id=sale.pk, history_type="-", history_user=cast.alice).exists()


def test_benefit_linkage_is_summed_per_site_and_township(cast, client_of):
    for area, income in (("2", "800"), ("3", "1200")):
        household = HouseholdFactory(township=cast.yangkou, settlement=cast.yangkou_site)
        BenefitLinkFactory(household=household, area_mu=Decimal(area), yearly_income=Decimal(income))
    BenefitLinkFactory(household=cast.bob_household, counterparty="横山大户", yearly_income=Decimal("999"))
    body = client_of(cast.alice).get(reverse("programmes:benefit_summary")).content.decode()
    assert "洋口安置小区" in body
    assert "5.00" in body and "2000.00" in body
    assert "999" not in body


def test_a_training_is_edited_and_deleted_with_its_history(cast, client_of):
    training = yangkou_rows(cast)["training"]
    client = client_of(cast.alice)
    edit = reverse("programmes:training_edit", kwargs={"training_pk": training.pk})
    data = {
        "id_number": "",
        "course": "电商直播进阶班",
        "kind": "vocational",
        "start_date": training.start_date.isoformat(),
    }
    assert client.post(edit, data).status_code == 302
    training.refresh_from_db()
    assert training.course == "电商直播进阶班"
    assert training.member == cast.alice_member
    page = client.get(reverse("programmes:training_detail", kwargs={"training_pk": training.pk})).content.decode()
    assert "洋口培训标记" in page  # the old course, in the history
    assert client.post(reverse("programmes:training_delete", kwargs={"training_pk": training.pk})).status_code == 302
    assert not TrainingRecord.objects.filter(pk=training.pk).exists()
    assert TrainingRecord.history.filter(id=training.pk, history_type="-").exists()
    assert client_of(cast.bob).post(edit, data).status_code == 404


def test_the_preferential_list_holds_employers_with_many_relocated_workers(cast, client_of):
    from programmes.models import ProgrammeSettings

    ProgrammeSettings.objects.update_or_create(pk=1, defaults={"many_workers": 2})
    big = WorkshopFactory(settlement=cast.yangkou_site, name="洋口大车间")
    WorkshopFactory(settlement=cast.yangkou_site, name="洋口小车间")
    for _ in range(2):
        member = MemberFactory(household=cast.alice_household)
        WorkshopWorker.objects.create(
            workshop=big, member=member, household=cast.alice_household, start_date=days_ago(9)
        )
    body = client_of(cast.alice).get(reverse("programmes:workshop_preferential")).content.decode()
    assert "洋口大车间" in body
    assert "洋口小车间" not in body


def test_library_projects_are_refused_a_planned_amount_below_what_is_allocated(cast):
    from django.core.exceptions import ValidationError

    from programmes import services

    project = LibraryProjectFactory(settlement=cast.yangkou_site, planned_amount=Decimal("100000"))
    services.allocation_add(
        project=project,
        allocation=FundAllocation(source="linked", allocated_on=days_ago(1), allocated=Decimal("80000")),
        actor=cast.alice,
    )
    project.planned_amount = Decimal("50000")
    with pytest.raises(ValidationError) as error:
        services.library_project_save(project=project, actor=cast.alice)
    assert "planned_amount" in error.value.error_dict
    assert LibraryProject.objects.get().planned_amount == Decimal("100000")


HISTORY = [
    ("workshop", "workshop_pk", "workshop", "operator", "新的经营主体"),
    ("relief", "relief_pk", "relief", "owner_unit", "新的实施单位"),
    ("loan", "loan_pk", "loan", "purpose", "新的贷款用途"),
    ("product", "product_pk", "product", "maker", "新的生产主体"),
    ("sales", "sales_pk", "sales", "buyer", "新的采购方"),
    ("benefit", "benefit_pk", "benefit", "counterparty", "新的联结对象"),
    ("project", "project_pk", "project", "owner_unit", "新的实施单位"),
    ("training", "training_pk", "training", "organizer", "新的培训机构"),
]


@pytest.mark.parametrize(("name", "key", "row", "attr", "value"), HISTORY, ids=[h[0] for h in HISTORY])
def test_each_ledger_row_shows_who_changed_what(name, key, row, attr, value, cast, client_of):
    from programmes import services

    record = yangkou_rows(cast)[row]
    old = getattr(record, attr)
    setattr(record, attr, value)
    services.record_save(record=record, actor=cast.alice)
    page = client_of(cast.frank).get(reverse(f"programmes:{name}_detail", kwargs={key: record.pk})).content.decode()
    history = page[page.index("history-row") :]
    assert value in history and "周爱丽" in history
    if old:
        assert old in history


# Workers corrected and removed (issue 17's gaps) ------------------------------------------------


def test_a_workshop_worker_is_corrected_and_the_employment_record_follows(cast, client_of):
    workshop = WorkshopFactory(settlement=cast.yangkou_site, name="洋口纠正车间")
    client = client_of(cast.alice)
    add = reverse("programmes:workshop_worker_add", kwargs={"workshop_pk": workshop.pk})
    client.post(add, {"id_number": cast.alice_member.id_number, "job": "缝纫工", "start_date": days_ago(9).isoformat()})
    worker = WorkshopWorker.objects.get(workshop=workshop)
    url = reverse("programmes:workshop_worker_edit", kwargs={"workshop_pk": workshop.pk, "worker_pk": worker.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"id_number": "", "job": "质检员", "start_date": days_ago(8).isoformat(), "end_date": days_ago(2).isoformat()},
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.job, worker.start_date, worker.end_date) == ("质检员", days_ago(8), days_ago(2))
    record = EmploymentRecord.objects.get(pk=worker.employment_id)
    assert (record.job, record.start_date, record.end_date) == ("质检员", days_ago(8), days_ago(2))
    assert worker.history.first().history_user == cast.alice
    page = client.get(reverse("programmes:workshop_detail", kwargs={"workshop_pk": workshop.pk})).content.decode()
    assert "质检员" in page


def test_a_workshop_worker_is_removed_with_the_employment_record_and_kept_in_the_history(cast, client_of):
    rows = yangkou_rows(cast)
    workshop = WorkshopFactory(settlement=cast.yangkou_site)
    client = client_of(cast.alice)
    add = reverse("programmes:workshop_worker_add", kwargs={"workshop_pk": workshop.pk})
    client.post(add, {"id_number": cast.alice_member.id_number, "start_date": days_ago(3).isoformat()})
    worker = WorkshopWorker.objects.get(workshop=workshop)
    employment = worker.employment_id
    kwargs = {"workshop_pk": workshop.pk, "worker_pk": worker.pk}
    # Hengshan staff cannot reach it; a head may not change it.
    assert client_of(cast.bob).post(reverse("programmes:workshop_worker_remove", kwargs=kwargs)).status_code == 404
    assert client_of(cast.frank).post(reverse("programmes:workshop_worker_remove", kwargs=kwargs)).status_code == 403
    client = client_of(cast.alice)
    assert client.post(reverse("programmes:workshop_worker_remove", kwargs=kwargs)).status_code == 302
    assert not WorkshopWorker.objects.filter(pk=worker.pk).exists()
    assert not EmploymentRecord.objects.filter(pk=employment).exists()
    removed = WorkshopWorker.history.filter(id=worker.pk).first()
    assert removed.history_type == "-"
    assert removed.history_user == cast.alice
    assert WorkshopWorker.objects.filter(pk=rows["worker"].pk).exists()


def test_a_relief_worker_is_corrected_but_not_paid_for_days_after_the_projects_end(cast, client_of):
    rows = yangkou_rows(cast)
    project, worker = rows["relief"], rows["relief_worker"]
    url = reverse("programmes:relief_worker_edit", kwargs={"relief_pk": project.pk, "relief_worker_pk": worker.pk})
    client = client_of(cast.alice)
    data = {
        "id_number": "",
        "first_day": worker.first_day.isoformat(),
        "last_day": (project.end_date + datetime.timedelta(days=3)).isoformat(),
        "days_worked": "30",
        "wages_paid": "9999",
        "paid_on": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert f"不能登记项目完工（{project.end_date.isoformat()}）之后的工日和劳务报酬" in response.content.decode()
    worker.refresh_from_db()
    assert worker.wages_paid == Decimal("4500")
    # A number that is not a member of a relocated household in Alice's area is refused too.
    response = client.post(url, {**data, "last_day": worker.last_day.isoformat(), "id_number": "362322199001011234"})
    assert response.status_code == 400
    assert "您辖区内没有持此身份证号的搬迁户家庭成员" in response.content.decode()
    response = client.post(url, {**data, "last_day": worker.last_day.isoformat(), "wages_paid": "5200"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.wages_paid == Decimal("5200")
    assert worker.history.first().history_user == cast.alice
    assert worker.history.count() == 2


def test_a_relief_worker_is_removed_and_kept_in_the_history(cast, client_of):
    rows = yangkou_rows(cast)
    project, worker = rows["relief"], rows["relief_worker"]
    url = reverse("programmes:relief_worker_remove", kwargs={"relief_pk": project.pk, "relief_worker_pk": worker.pk})
    assert client_of(cast.bob).post(url).status_code == 404
    assert client_of(cast.alice).post(url).status_code == 302
    assert not ReliefWorker.objects.filter(pk=worker.pk).exists()
    assert ReliefWorker.history.filter(id=worker.pk).first().history_type == "-"


# Sales channels kept by the sites (issue 17's gaps) ---------------------------------------------


def test_site_staff_add_and_change_their_sites_channels_only(cast, client_of):
    rows = yangkou_rows(cast)
    district = SalesChannelFactory(name="区消费帮扶专馆")
    client = client_of(cast.alice)
    response = client.post(
        reverse("programmes:channel_create"),
        {
            "settlement": cast.yangkou_site.pk,
            "kind": "online",
            "name": "洋口网店",
            "operator": "洋口电商中心",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    shop = SalesChannel.objects.get(name="洋口网店")
    assert shop.settlement == cast.yangkou_site
    assert shop.history.first().history_user == cast.alice
    edit = reverse("programmes:channel_edit", kwargs={"channel_pk": shop.pk})
    response = client.post(edit, {"settlement": cast.yangkou_site.pk, "kind": "live", "name": "洋口直播间二号"})
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.kind, shop.name, shop.is_active) == ("live", "洋口直播间二号", False)
    # A district-wide channel is the administrator's; a staff member must name a site of their own.
    assert client.get(reverse("programmes:channel_edit", kwargs={"channel_pk": district.pk})).status_code == 404
    response = client.post(reverse("programmes:channel_create"), {"kind": "online", "name": "无安置点渠道"})
    assert response.status_code == 200
    assert not SalesChannel.objects.filter(name="无安置点渠道").exists()
    listing = client.get(reverse("programmes:channel_list")).content.decode()
    assert "洋口直播间二号" in listing and "区消费帮扶专馆" in listing
    # Hengshan staff neither see nor change Yangkou's channels, nor add one to a Yangkou site.
    bob = client_of(cast.bob)
    listing = bob.get(reverse("programmes:channel_list")).content.decode()
    assert rows["channel"].name not in listing and "区消费帮扶专馆" in listing
    assert bob.get(edit).status_code == 404
    response = bob.post(
        reverse("programmes:channel_create"), {"settlement": cast.yangkou_site.pk, "kind": "online", "name": "越界渠道"}
    )
    assert response.status_code == 200
    assert not SalesChannel.objects.filter(name="越界渠道").exists()
    # A head reads the channels but changes none.
    assert client_of(cast.frank).get(reverse("programmes:channel_create")).status_code == 403


def test_a_sale_goes_through_the_products_own_site_channel_or_a_district_one(cast, client_of):
    rows = yangkou_rows(cast)
    other_site = SettlementFactory(township=cast.yangkou_site.township, name="洋口第二安置点")
    foreign = SalesChannelFactory(settlement=other_site, kind="online", name="第二安置点网店")
    data = {"product": rows["product"].pk, "month": days_ago(40).strftime("%Y-%m"), "amount": "800", "quantity": ""}
    client = client_of(cast.alice)
    response = client.post(reverse("programmes:sales_create"), {**data, "channel": foreign.pk})
    assert response.status_code == 200
    assert "该渠道为洋口第二安置点自有渠道" in response.content.decode()
    response = client.post(reverse("programmes:sales_create"), {**data, "channel": rows["channel"].pk})
    assert response.status_code == 302
    assert SalesRecord.objects.filter(channel=rows["channel"], amount=Decimal("800")).exists()
