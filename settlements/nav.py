from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [
    NavItem(_("Settlement sites"), "settlements:settlement_list", "buildings", "settlements.view_settlement", order=30),
    NavItem(_("Site ledgers"), "settlements:ledger_index", "journal-text", "settlements.view_facility", order=32),
    # Bureau staff keep no site ledger but answer the requests assigned to their department.
    NavItem(
        _("Residents' requests"),
        "settlements:request_list",
        "chat-left-text",
        "settlements.view_residentrequest",
        order=33,
        roles=("bureau_staff",),
    ),
]
