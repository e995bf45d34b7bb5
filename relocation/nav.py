from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [NavItem(_("Households"), "relocation:household_list", "people", "relocation.view_household", order=20)]
