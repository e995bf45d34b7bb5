from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from . import signals

        signals.connect()
        signals.connect_figures()

        from django.db.models.signals import post_migrate

        from .summary import fill_after_migrate

        post_migrate.connect(fill_after_migrate, sender=self, dispatch_uid="dashboards.fill_after_migrate")
