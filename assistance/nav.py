from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [
    NavItem(_("Assistance"), "assistance:plan_list", "clipboard2-check", "assistance.view_assistanceplan", order=40),
    NavItem(_("Measures"), "assistance:measure_list", "list-check", "assistance.report_measure", order=41),
    NavItem(_("Employment"), "assistance:zero_employment", "briefcase", "assistance.view_employmentrecord", order=42),
    NavItem(_("Policy tasks"), "assistance:task_list", "flag", "assistance.view_policytask", order=45),
    NavItem(_("My department"), "assistance:my_department", "building", None, order=46, roles=("bureau_staff",)),
    NavItem(
        _("Housing extension"), "assistance:extension_list", "house-add", "assistance.view_housingextension", order=47
    ),
]
