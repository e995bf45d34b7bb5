"""Made-up demo data for the assistance app; safe to run again (it only adds what is missing)."""

import datetime

from django.utils import timezone

from accounts.models import Department, User
from relocation.models import Household
from settlements.models import Township

from . import selectors, services
from .models import AssistancePlan, ProgressReport, TaskAssignment, WelfarePost

POST_KINDS = [("forest", "护林员"), ("cleaning", "保洁员"), ("village", "村务协管员"), ("water", "水管员")]


def seed_demo_data(stdout) -> None:
    """Welfare posts per township, a plan with its suggested measures for each open case, township reports."""
    from monitoring.models import MonitoringCase

    posts = 0
    for township in Township.objects.filter(households__isnull=False).distinct():
        for kind, label in POST_KINDS:
            _post, created = WelfarePost.objects.get_or_create(
                name=f"{township.name}{label}（示例）",
                defaults={"kind": kind, "township": township, "monthly_pay": 800},
            )
            posts += created
    plans = 0
    cases = MonitoringCase.objects.filter(status__in=MonitoringCase.OPEN_STATUSES).exclude(
        assistance_plans__isnull=False
    )
    for case in cases.select_related("household")[:200]:
        suggestions = selectors.suggestions_for(case.risk_types)
        services.plan_create(
            household=case.household,
            case=case,
            summary="（示例）根据风险类型制定的帮扶方案",
            suggestion_ids=[s.pk for s in suggestions],
            cadre="示例帮扶干部",
            actor=None,
            drawn_up_on=max(case.identified_at, timezone.localdate() - datetime.timedelta(days=30)),
        )
        plans += 1
    if not AssistancePlan.objects.exists():
        # Without monitoring cases, show one plan outside a case so the pages are not empty.
        household = Household.objects.order_by("pk").first()
        if household is not None:
            plan = services.plan_create(household=household, summary="（示例）就业帮扶", actor=None)
            services.measure_create(
                plan=plan, measure_type="employment", description="岗位推荐（示例）",
                department=Department.objects.get(code="rsj"), cadre="示例帮扶干部", actor=None,
            )  # fmt: skip
            plans += 1
    assignments = services.task_assign_townships()
    reports = seed_township_reports()
    stdout.write(
        f"assistance: {posts} welfare posts, {plans} plans, {assignments} township assignments, "
        f"{reports} township reports added\n"
    )


# (township, task code, progress, figures, accepted): last period's reports of two townships. The
# current period is left open, so that the demo township users have something to file.
TOWNSHIP_REPORTS = [
    ("洋口镇", "1.1", "（示例）完成本季度全镇搬迁户定期回访，更新监测台账。", {"回访户数": 126, "新增预警": 3}, True),
    ("洋口镇", "3.6", "（示例）在安置点举办“送岗进点”专场招聘会1场。", {"提供岗位": 85, "达成意向": 17}, False),
    ("永丰街道", "1.1", "（示例）城东安置小区开展集中摸排，台账已更新。", {"回访户数": 240}, False),
    ("永丰街道", "5.3", "（示例）推行“点长制”，调解邻里纠纷4起。", {"调解纠纷": 4}, True),
]


def seed_township_reports() -> int:
    """A few township reports for the last period, filed by the township's demo user where there is one."""
    head = User.objects.filter(role=User.Role.HEAD, district_wide=True, is_active=True).first()
    created = 0
    for township_name, code, text, figures, accepted in TOWNSHIP_REPORTS:
        assignment = (
            TaskAssignment.objects.filter(task__code=code, township__name=township_name, task__is_active=True)
            .select_related("task")
            .first()
        )
        if assignment is None:
            continue
        period = assignment.task.previous_period(timezone.localdate())
        if ProgressReport.objects.filter(assignment=assignment, period=period).exists():
            continue
        staff = User.objects.filter(role=User.Role.TOWNSHIP_STAFF, townships=assignment.township_id).first()
        report = ProgressReport.objects.create(
            assignment=assignment, period=period, text=text, figures=figures, submitted_by=staff
        )
        if accepted:
            services.report_accept(report=report, actor=head, comment="（示例）已阅。")
        created += 1
    return created
