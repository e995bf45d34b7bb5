from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [
    NavItem(_("Settlement sites"), "settlements:settlement_list", "buildings", "settlements.view_settlement", order=30)
]
