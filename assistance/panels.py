"""The assistance section of a household's page: plans and measures, employment, trainings, housing extension."""

from django.utils.translation import gettext_lazy as _

from portal.panels import Panel

from . import selectors
from .models import AssistancePlan, EmploymentRecord, HousingExtension, Measure, TrainingRecord


def household_panels(request, household):
    """One panel with a fixed number of queries; bureau staff see their own department's measures only."""
    user = request.user
    if not (user.has_perm("assistance.view_assistanceplan") or user.has_perm("assistance.view_measure")):
        return []
    plans = list(AssistancePlan.objects.for_user(user).filter(household=household).order_by("-drawn_up_on")[:5])
    measures = list(
        Measure.objects.for_user(user)
        .filter(household=household)
        .select_related("department")
        .order_by("-start_date")[:20]
    )
    show_employment = user.has_perm("assistance.view_employmentrecord")
    context = {
        "plans": plans,
        "measures": measures,
        "may_plan": user.has_perm("assistance.add_assistanceplan"),
        "show_employment": show_employment,
    }
    if show_employment:
        context.update(
            goal=selectors.employment_goal(household),
            records=list(EmploymentRecord.objects.filter(household=household).select_related("member")[:20]),
            trainings=list(TrainingRecord.objects.filter(household=household).select_related("member")[:10]),
            extensions=list(HousingExtension.objects.filter(household=household)[:5]),
            may_record=user.has_perm("assistance.add_employmentrecord"),
            may_extend=user.has_perm("assistance.add_housingextension")
            and household.placement == household.Placement.HOMESTEAD,
        )
    return [
        Panel(
            title=_("Assistance and employment"), template="assistance/_household_panel.html", context=context, order=40
        )
    ]
