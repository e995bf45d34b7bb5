"""The 帮扶责任人 section of a household's page."""

from django.utils.translation import gettext_lazy as _

from portal.panels import Panel

from .selectors import cadre_of


def household_panels(request, household):
    """Who answers for the household; two queries."""
    user = request.user
    if not user.has_perm("cadres.view_householdcadre"):
        return []
    context = {"cadre": cadre_of(household), "may_assign": user.has_perm("cadres.change_householdcadre")}
    return [Panel(title=_("Responsible cadre"), template="cadres/_household_panel.html", context=context, order=15)]
