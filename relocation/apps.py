from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelocationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "relocation"
    verbose_name = _("Relocated households")
