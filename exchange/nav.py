from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [
    NavItem(
        _("Excel import"), "exchange:import_list", "file-earmark-spreadsheet", "exchange.add_importrecord", order=80
    ),
    NavItem(
        _("Reconcile with the national system"),
        "exchange:reconcile_list",
        "arrow-left-right",
        "exchange.add_reconciliation",  # staff who keep the data; heads open comparisons by their link
        order=81,
    ),
]
