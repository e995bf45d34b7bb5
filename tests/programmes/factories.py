"""Factories of the programme ledgers' rows (kept here: tests/factories.py is shared by every app)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from assistance.models import TrainingRecord
from programmes.models import (
    BenefitLink,
    FundAllocation,
    LibraryProject,
    Loan,
    Product,
    ReliefProject,
    ReliefWorker,
    SalesChannel,
    SalesRecord,
    Workshop,
    WorkshopWorker,
)
from tests.factories import HouseholdFactory, MemberFactory, SettlementFactory


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    settlement = factory.SubFactory(SettlementFactory)
    name = factory.Sequence(lambda n: f"帮扶车间{n}")
    kind = Workshop.Kind.WORKSHOP
    operator = "广丰某制衣公司"


class WorkshopWorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopWorker

    workshop = factory.SubFactory(WorkshopFactory)
    member = factory.SubFactory(MemberFactory)
    household = factory.SelfAttribute("member.household")
    start_date = factory.LazyFunction(lambda: days_ago(30))


class ReliefProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReliefProject

    township = factory.SelfAttribute("settlement.township")
    settlement = factory.SubFactory(SettlementFactory)
    name = factory.Sequence(lambda n: f"以工代赈产业路{n}")
    owner_unit = "乡镇人民政府"
    year = 2026
    investment = Decimal("1000000")
    labour_remuneration = Decimal("200000")
    start_date = factory.LazyFunction(lambda: days_ago(100))
    end_date = factory.LazyFunction(lambda: days_ago(10))
    total_workers = 20
    status = ReliefProject.Status.COMPLETED


class ReliefWorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReliefWorker

    project = factory.SubFactory(ReliefProjectFactory)
    member = factory.SubFactory(MemberFactory)
    household = factory.SelfAttribute("member.household")
    first_day = factory.LazyFunction(lambda: days_ago(60))
    last_day = factory.LazyFunction(lambda: days_ago(20))
    days_worked = 30
    wages_paid = Decimal("4500")


class LoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Loan

    kind = Loan.Kind.MICROCREDIT
    member = factory.SubFactory(MemberFactory)
    household = factory.SelfAttribute("member.household")
    bank = "广丰农商银行"
    amount = Decimal("50000")
    annual_rate = Decimal("3.45")
    start_date = factory.LazyFunction(lambda: days_ago(200))
    term_months = 36
    purpose = "发展养殖"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    settlement = factory.SubFactory(SettlementFactory)
    name = factory.Sequence(lambda n: f"马家柚{n}")
    industry = Product.Industry.FRUIT
    maker = "柚子合作社"


class SalesChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesChannel
        django_get_or_create = ["name"]

    kind = SalesChannel.Kind.HALL
    name = "区消费帮扶专馆"


class SalesRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesRecord

    product = factory.SubFactory(ProductFactory)
    channel = factory.SubFactory(SalesChannelFactory)
    month = factory.LazyFunction(lambda: days_ago(40).replace(day=1))
    amount = Decimal("12000")


class BenefitLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitLink

    household = factory.SubFactory(HouseholdFactory)
    kind = BenefitLink.Kind.LAND_TRANSFER
    counterparty = "种粮大户"
    area_mu = Decimal("3.5")
    yearly_income = Decimal("1400")
    start_date = factory.LazyFunction(lambda: days_ago(300))


class LibraryProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LibraryProject

    township = factory.SelfAttribute("settlement.township")
    settlement = factory.SubFactory(SettlementFactory)
    name = factory.Sequence(lambda n: f"安置点产业项目{n}")
    kind = LibraryProject.Kind.INDUSTRY
    year = 2026
    planned_amount = Decimal("500000")
    main_source = "linked"
    owner_unit = "区农业农村局"


class FundAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundAllocation

    project = factory.SubFactory(LibraryProjectFactory)
    source = "linked"
    allocated_on = factory.LazyFunction(lambda: days_ago(5))
    allocated = Decimal("100000")


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    member = factory.SubFactory(MemberFactory)
    household = factory.SelfAttribute("member.household")
    course = factory.Sequence(lambda n: f"电商直播培训{n}")
    kind = TrainingRecord.Kind.VOCATIONAL
    start_date = factory.LazyFunction(lambda: days_ago(20))


def yangkou_rows(cast) -> dict:
    """One row of every programme ledger in Alice's township (Yangkou), created once per test."""
    rows = getattr(cast, "_yangkou_programme_rows", None)
    if rows is None:
        site, member = cast.yangkou_site, cast.alice_member
        workshop = WorkshopFactory(settlement=site, name="洋口车间标记")
        project = LibraryProjectFactory(settlement=site, name="洋口项目库标记")
        product = ProductFactory(settlement=site, name="洋口产品标记")
        rows = {
            "workshop": workshop,
            "worker": WorkshopWorkerFactory(workshop=workshop, member=member),
            "relief": (relief := ReliefProjectFactory(settlement=site, name="洋口以工代赈标记")),
            "relief_worker": ReliefWorkerFactory(project=relief, member=member),
            "loan": LoanFactory(member=member, bank="洋口贷款银行标记"),
            "product": product,
            "sales": SalesRecordFactory(product=product, buyer="洋口采购标记"),
            "channel": SalesChannelFactory(settlement=site, kind=SalesChannel.Kind.LIVE, name="洋口直播间标记"),
            "benefit": BenefitLinkFactory(household=cast.alice_household, counterparty="洋口联结标记"),
            "project": project,
            "allocation": FundAllocationFactory(project=project, document_no="洋口文号标记"),
            "training": TrainingFactory(member=member, course="洋口培训标记"),
        }
        cast._yangkou_programme_rows = rows
    return rows
