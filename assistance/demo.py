"""Made-up demo data for the assistance app; safe to run again (it only adds what is missing)."""

import datetime

from django.utils import timezone

from accounts.models import Department
from relocation.models import Household
from settlements.models import Township

from . import selectors, services
from .models import AssistancePlan, WelfarePost

POST_KINDS = [("forest", "护林员"), ("cleaning", "保洁员"), ("village", "村务协管员"), ("water", "水管员")]


def seed_demo_data(stdout) -> None:
    """Welfare posts per township, and a plan with its suggested measures for each open case."""
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
    stdout.write(f"assistance: {posts} welfare posts, {plans} plans added\n")
