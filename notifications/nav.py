from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [NavItem(_("Notifications"), "notifications:notification_list", "bell", order=90)]
