"""Made-up demo rows for the programme ledgers (演示数据均为虚构); safe to run again: a site that already has
a workshop is left as it is."""

import datetime
from decimal import Decimal

from django.utils import timezone

from assistance.models import TrainingRecord
from relocation.models import Member
from settlements.models import ProjectAsset, Settlement

from . import services
from .models import (
    BenefitLink,
    FundAllocation,
    LibraryProject,
    Loan,
    LoanRepayment,
    Product,
    ReliefProject,
    ReliefWorker,
    SalesChannel,
    SalesRecord,
    Workshop,
    WorkshopWorker,
)

CHANNELS = [
    (SalesChannel.Kind.HALL, "广丰区消费帮扶专馆（示例）", "区商务局"),
    (SalesChannel.Kind.COUNTER, "机关食堂消费帮扶专柜（示例）", "区机关事务中心"),
    (SalesChannel.Kind.ONLINE, "“广丰好物”网店（示例）", "电商服务中心"),
    (SalesChannel.Kind.LIVE, "安置点直播间（示例）", "社区电商站"),
    (SalesChannel.Kind.STATE_ENTERPRISE, "国企采购协作（示例）", "区城投集团"),
]


def _day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def seed_demo_data(stdout) -> None:
    """Per centralized site: a workshop with workers, a work-for-relief project, a product with sales, loans,
    benefit linkages, a library project with its funds, and a training."""
    channels = [
        SalesChannel.objects.get_or_create(name=name, defaults={"kind": kind, "operator": operator})[0]
        for kind, name, operator in CHANNELS
    ]
    sites = 0
    for site in Settlement.objects.exclude(kind=Settlement.Kind.DISPERSED).select_related("township"):
        if Workshop.objects.filter(settlement=site).exists():
            continue
        members = list(
            Member.objects.filter(household__settlement=site, labour_capacity__in=["ordinary", "skilled"])
            .select_related("household")
            .order_by("pk")[:12]
        )
        if len(members) < 8:
            continue
        sites += 1
        _seed_site(site, members, channels)
    stdout.write(f"programmes: demo ledgers for {sites} sites\n")


def _seed_site(site, members, channels) -> None:
    township = site.township
    workshop = Workshop.objects.create(
        settlement=site, name=f"{site.name}帮扶车间（示例）", kind=Workshop.Kind.WORKSHOP,
        operator="广丰某服饰有限公司（示例）", industry="服装加工", recognised_on=_day(400),
        subsidy=Decimal("50000"), contact="车间负责人",
    )  # fmt: skip
    for member in members[:4]:
        services.workshop_worker_add(
            workshop=workshop,
            worker=WorkshopWorker(
                member=member,
                household=member.household,
                job="缝纫工",
                start_date=_day(120),
                monthly_wage=Decimal("2600"),
            ),
            actor=None,
        )
    relief = ReliefProject.objects.create(
        township=township, settlement=site, name=f"{site.name}产业路以工代赈项目（示例）",
        owner_unit=f"{township.name}人民政府",
        year=timezone.localdate().year, investment=Decimal("1200000"), labour_remuneration=Decimal("264000"),
        start_date=_day(150), end_date=_day(20), total_workers=18, status=ReliefProject.Status.COMPLETED,
    )  # fmt: skip
    for member in members[4:7]:
        ReliefWorker.objects.create(
            project=relief, member=member, household=member.household, first_day=_day(140), last_day=_day(25),
            days_worked=60, wages_paid=Decimal("9000"), paid_on=_day(18),
        )  # fmt: skip
    product = Product.objects.create(
        settlement=site, name="马家柚（示例）", industry=Product.Industry.FRUIT,
        maker=f"{township.name}柚子合作社（示例）",
        certification="地理标志", unit="斤",
    )  # fmt: skip
    for months_back in (1, 2, 3):
        month = (_day(0).replace(day=1) - datetime.timedelta(days=28 * months_back)).replace(day=1)
        for channel, amount in zip(channels[:3], (12000, 4500, 8000), strict=True):
            SalesRecord.objects.get_or_create(
                product=product, channel=channel, month=month, defaults={"amount": Decimal(amount) + months_back * 500}
            )
    borrower, starter = members[7], members[0]
    microcredit = Loan.objects.create(
        kind=Loan.Kind.MICROCREDIT, member=borrower, household=borrower.household, bank="广丰农商银行（示例）",
        amount=Decimal("50000"), annual_rate=Decimal("3.45"), start_date=_day(300), term_months=36,
        purpose="发展油茶种植",
    )  # fmt: skip
    LoanRepayment.objects.create(loan=microcredit, paid_on=_day(120), principal=Decimal("5000"),
                                 interest=Decimal("860"))  # fmt: skip
    # Due months ago and unpaid: the overdue job raises an alert for it.
    Loan.objects.create(
        kind=Loan.Kind.STARTUP, member=starter, household=starter.household, bank="邮储银行广丰支行（示例）",
        amount=Decimal("150000"), annual_rate=Decimal("3.95"), start_date=_day(800), term_months=24,
        purpose="开办电商店铺",
    )  # fmt: skip
    for member, kind, area, income in (
        (members[1], BenefitLink.Kind.LAND_TRANSFER, Decimal("3.2"), Decimal("1280")),
        (members[2], BenefitLink.Kind.COOPERATIVE_SHARE, None, Decimal("600")),
        (members[3], BenefitLink.Kind.ONE_LEADS_THREE, None, Decimal("1500")),
    ):
        BenefitLink.objects.create(
            household=member.household, kind=kind, counterparty=f"{township.name}种养专业合作社（示例）",
            area_mu=area, yearly_income=income, start_date=_day(500),
        )  # fmt: skip
    asset = ProjectAsset.objects.filter(settlement=site).first()
    project = LibraryProject.objects.create(
        township=township, settlement=site, name=f"{site.name}帮扶车间建设项目（示例）",
        kind=LibraryProject.Kind.EMPLOYMENT,
        year=timezone.localdate().year - 1, planned_amount=Decimal("800000"), main_source="linked",
        owner_unit="区乡村振兴局", beneficiaries=40, status=LibraryProject.Status.COMPLETED, completed_on=_day(200),
        asset=asset,
    )  # fmt: skip
    FundAllocation.objects.create(
        project=project, source="linked", allocated_on=_day(380), document_no="广衔资〔示例〕1号",
        allocated=Decimal("600000"), spent=Decimal("600000"),
    )  # fmt: skip
    FundAllocation.objects.create(
        project=project, source="local", allocated_on=_day(300), allocated=Decimal("150000"), spent=Decimal("120000")
    )
    LibraryProject.objects.create(
        township=township, settlement=site, name=f"{site.name}冷链仓储项目（示例）", kind=LibraryProject.Kind.INDUSTRY,
        year=timezone.localdate().year, planned_amount=Decimal("1500000"), main_source="bonds",
        owner_unit="区农业农村局",
        beneficiaries=120,
    )  # fmt: skip
    for member in members[8:10]:
        TrainingRecord.objects.create(
            household=member.household, member=member, course="电商直播带货培训（示例）",
            kind=TrainingRecord.Kind.VOCATIONAL, organizer="区人社局", start_date=_day(60), end_date=_day(55),
            completed=True, certificate="结业证书", subsidy=Decimal("600"),
        )  # fmt: skip
