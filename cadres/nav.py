from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [
    NavItem(_("My households"), "cadres:my_households", "person-check", "cadres.view_householdcadre", order=5),
    NavItem(_("Without a cadre"), "cadres:without_cadre", "person-x", "cadres.add_householdcadre", order=6),
]
