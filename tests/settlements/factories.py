"""Factories of the site ledgers' rows (kept here: tests/factories.py is shared by every app)."""

import datetime

import factory
from django.utils import timezone

from settlements.models import (
    CommunityActivity,
    DisputeMediation,
    Facility,
    FacilityType,
    HazardPhoto,
    ProjectAsset,
    ResidentRequest,
    SafetyHazard,
)
from tests.factories import SettlementFactory


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    settlement = factory.SubFactory(SettlementFactory)
    facility_type = FacilityType.WATER
    name = factory.Sequence(lambda n: f"供水设施{n}")
    maintainer = "自来水公司"


class HazardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafetyHazard

    settlement = factory.SubFactory(SettlementFactory)
    hazard_type = SafetyHazard.Type.FIRE
    severity = SafetyHazard.Severity.GENERAL
    description = factory.Sequence(lambda n: f"消防通道堵塞{n}")
    found_on = factory.LazyFunction(lambda: days_ago(10))
    found_by = "排查组"
    responsible_unit = "物业公司"
    deadline = factory.LazyFunction(lambda: days_ago(-10))


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityActivity

    settlement = factory.SubFactory(SettlementFactory)
    kind = CommunityActivity.Kind.JOB_FAIR
    title = factory.Sequence(lambda n: f"送岗进点招聘会{n}")
    date = factory.LazyFunction(lambda: days_ago(3))
    organiser = "区人社局"
    participants = 40


class DisputeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisputeMediation

    settlement = factory.SubFactory(SettlementFactory)
    kind = DisputeMediation.Kind.NEIGHBOUR
    date = factory.LazyFunction(lambda: days_ago(5))
    parties = factory.Sequence(lambda n: f"邻里双方{n}")
    summary = "楼道堆物"
    mediator = "调解员"


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentRequest

    settlement = factory.SubFactory(SettlementFactory)
    requester = factory.Sequence(lambda n: f"居民{n}")
    requester_phone = "13912345678"
    channel = ResidentRequest.Channel.VISIT
    received_on = factory.LazyFunction(lambda: days_ago(4))
    content = factory.Sequence(lambda n: f"路灯不亮{n}")


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectAsset

    settlement = factory.SubFactory(SettlementFactory)
    name = factory.Sequence(lambda n: f"帮扶车间{n}")
    kind = ProjectAsset.Kind.WORKSHOP
    owner = "村集体经济组织"
    manager = "村委会"
    value = 500000


def yangkou_rows(cast) -> dict:
    """One row of every ledger at Alice's site (Yangkou), created once per test."""
    site = cast.yangkou_site
    rows = getattr(cast, "_yangkou_rows", None)
    if rows is None:
        hazard = HazardFactory(settlement=site, description="洋口隐患标记", household=cast.alice_household)
        rows = {
            "facility": FacilityFactory(settlement=site, name="洋口设施标记"),
            "hazard": hazard,
            "photo": HazardPhoto.objects.create(hazard=hazard, image="hazards/none.jpg", caption="洋口照片"),
            "activity": ActivityFactory(settlement=site, title="洋口活动标记"),
            "dispute": DisputeFactory(settlement=site, parties="洋口纠纷标记"),
            "request": RequestFactory(settlement=site, content="洋口诉求标记", requester="洋口居民"),
            "asset": AssetFactory(settlement=site, name="洋口资产标记"),
        }
        cast._yangkou_rows = rows
    return rows
