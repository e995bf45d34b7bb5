from django.utils.translation import pgettext_lazy

from accounts.nav import NavItem

NAV = [
    NavItem(
        pgettext_lazy("section", "Households"),
        "relocation:household_list",
        "people",
        "relocation.view_household",
        order=20,
    )
]
