from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    """No table: a home for the dashboards' permission, which Django ties to a model's content type.

    The dashboards count other apps' rows and keep no data of their own.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboard", _("Can see the dashboards of their own scope")),
            ("export_dashboard", _("Can export the dashboards' figures to Excel")),
        ]
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboards")

    def __str__(self):
        return str(self._meta.verbose_name)
