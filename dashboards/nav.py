from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [NavItem(_("Dashboard"), "dashboards:overview", "bar-chart-line", "dashboards.view_dashboard", order=10)]
