from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from .vendor_labels import apply

        apply()

        from .validators import apply_to_admin

        apply_to_admin()  # before the admin's autodiscover builds its ModelAdmins
