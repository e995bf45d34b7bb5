from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [
    NavItem(_("Programme ledgers"), "programmes:index", "journal-richtext", "programmes.view_workshop", order=48),
    NavItem(_("Loans"), "programmes:loan_list", "cash-coin", "programmes.view_loan", order=49),
    NavItem(_("Policy coverage"), "programmes:coverage", "ui-checks-grid", "assistance.view_policytask", order=49),
]
