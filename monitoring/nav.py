from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [
    NavItem(_("Alert queue"), "monitoring:alert_list", "exclamation-triangle", "monitoring.view_alert", order=30),
    NavItem(_("My visits due"), "monitoring:visits_due", "calendar-check", "monitoring.add_visit", order=31),
    NavItem(_("Overdue visits"), "monitoring:visits_overdue", "calendar-x", "monitoring.add_visit", order=31),
    NavItem(
        _("Annual income accounting"),
        "monitoring:annual_income_list",
        "cash-coin",
        "monitoring.view_annualincome",
        order=32,
    ),
    NavItem(
        _("Income not known"), "monitoring:income_unknown", "question-circle", "monitoring.view_ledgerentry", order=32
    ),
    NavItem(
        _("Monitoring cases"), "monitoring:case_list", "clipboard2-pulse", "monitoring.view_monitoringcase", order=32
    ),
    NavItem(_("Public notices"), "monitoring:notice_list", "megaphone", "monitoring.view_publicnotice", order=32),
    NavItem(
        _("Department rosters"),
        "monitoring:roster_list",
        "file-earmark-person",
        "monitoring.view_departmentroster",
        order=33,
    ),
    NavItem(_("Thresholds"), "monitoring:thresholds_list", "sliders", "monitoring.view_thresholds", order=90),
]
