"""Made-up demo rows for the site ledgers (演示数据均为虚构); safe to run again: a site that already has
facilities is left as it is."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Department

from . import services
from .models import (
    CommunityActivity,
    DisputeMediation,
    Facility,
    FacilityMaintenance,
    ProjectAsset,
    ResidentRequest,
    SafetyHazard,
    Settlement,
)
from .models.facilities import expected_facility_types

MAINTAINERS = {
    "water": "区自来水公司", "power": "国网广丰供电公司", "network": "电信广丰分公司", "gas": "燃气公司",
    "fire": "社区微型消防站", "police_room": "派出所", "cameras": "公安分局",
}  # fmt: skip


def _day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def seed_demo_data(stdout) -> None:
    """Facilities with upkeep, hazards, activities, a dispute, requests and an asset per centralized site."""
    sites = 0
    department = Department.objects.filter(code="zjj").first()
    for site in Settlement.objects.exclude(kind=Settlement.Kind.DISPERSED).select_related("township"):
        if Facility.objects.filter(settlement=site).exists():
            continue
        sites += 1
        # Leave the last two expected types out, so the site page shows what is missing.
        for index, kind in enumerate(expected_facility_types(site.kind)[:-2]):
            facility = Facility.objects.create(
                settlement=site,
                facility_type=kind,
                name=f"{kind}（示例）",
                status=Facility.Status.NEEDS_REPAIR if index == 3 else Facility.Status.IN_USE,
                maintainer=MAINTAINERS.get(kind, "社区物业服务中心"),
                handed_over=True,
            )
            facility.name = f"{facility.get_facility_type_display()}（示例）"
            facility.save(update_fields=["name"])
            if index < 3:
                FacilityMaintenance.objects.create(
                    facility=facility, date=_day(20 + index), problem="例行巡检发现老化", action="更换部件",
                    cost=Decimal("300") * (index + 1), done_by="维修班组",
                )  # fmt: skip
        household = site.households.first()
        services.hazard_save(hazard=SafetyHazard(
            settlement=site, hazard_type=SafetyHazard.Type.FIRE, description="消防通道堆放杂物（示例）",
            location="3栋楼道", found_on=_day(30), found_by="网格员", responsible_unit="物业服务中心",
            deadline=_day(5),
        ))  # fmt: skip
        rectified = services.hazard_save(hazard=SafetyHazard(
            settlement=site, household=household, hazard_type=SafetyHazard.Type.ELECTRICAL,
            description="户内电线私拉乱接（示例）", found_on=_day(40), found_by="社区干部",
            responsible_unit="社区居委会", deadline=_day(25),
        ))  # fmt: skip
        services.hazard_rectify(hazard=rectified, rectified_on=_day(28), rectification="已重新布线")
        CommunityActivity.objects.create(
            settlement=site, kind=CommunityActivity.Kind.JOB_FAIR, title="送岗进点专场招聘会（示例）",
            date=_day(15), organiser="区人社局", participants=86, place="社区服务中心",
        )  # fmt: skip
        CommunityActivity.objects.create(
            settlement=site, kind=CommunityActivity.Kind.GRATITUDE, title="“三讲一评”感恩教育（示例）",
            date=_day(45), organiser="社区党支部", participants=52,
        )  # fmt: skip
        DisputeMediation.objects.create(
            settlement=site, kind=DisputeMediation.Kind.NEIGHBOUR, date=_day(12), parties="两户邻居（示例）",
            summary="楼上漏水", mediator="调解委员会", outcome=DisputeMediation.Outcome.RESOLVED,
            agreement="楼上住户负责维修", closed_on=_day(10),
        )  # fmt: skip
        services.request_save(resident_request=ResidentRequest(
            settlement=site, requester="居民（示例）", channel=ResidentRequest.Channel.VISIT,
            kind=ResidentRequest.Kind.REQUEST, received_on=_day(9), content="小区路灯损坏，夜间出行不便",
            assigned_department=department, deadline=_day(2),
        ))  # fmt: skip
        answered = services.request_save(resident_request=ResidentRequest(
            settlement=site, requester="居民（示例）", channel=ResidentRequest.Channel.HOTLINE,
            kind=ResidentRequest.Kind.CONSULTATION, received_on=_day(20), content="咨询城乡居民养老保险转移",
        ))  # fmt: skip
        services.request_answer(resident_request=answered, answer="已告知办理流程", answered_on=_day(18))
        services.request_close(resident_request=answered, satisfaction="satisfied", actor=None)
        asset = ProjectAsset.objects.create(
            settlement=site, name=f"{site.name}帮扶车间（示例）", kind=ProjectAsset.Kind.WORKSHOP,
            registration_no=f"GF-ZC-{site.pk:04d}", registered_on=_day(400), owner="村集体经济组织",
            manager="村股份经济合作社", value=Decimal("800000"), completed_year=timezone.localdate().year - 3,
        )  # fmt: skip
        services.asset_income_plan_save(
            asset=asset, year=timezone.localdate().year - 1, income=Decimal("64000"),
            distributions={
                "site_industry": (Decimal("20000"), Decimal("20000")),
                "welfare_posts": (Decimal("18000"), Decimal("18000")),
                "maintenance_fund": (Decimal("10000"), Decimal("6000")),
                "temporary_relief": (Decimal("8000"), Decimal("3000")),
            },
        )  # fmt: skip
    services.hazards_flag_overdue()
    services.requests_flag_overdue()
    stdout.write(f"安置点台账示例：{sites} 个安置点新增设施、隐患、诉求、活动和资产。")
