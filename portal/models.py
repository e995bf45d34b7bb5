from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceHeartbeat(models.Model):
    """When a background service (the Celery worker, the beat scheduler) last reported that it runs.

    One row per service and host; the worker reports while it is connected to the broker, beat at
    every tick. The administrator's dashboard shows them, red when older than ``SERVICE_STALE_SECONDS``.
    """

    class Service(models.TextChoices):
        WORKER = "worker", _("Background worker")
        BEAT = "beat", _("Scheduler (beat)")

    service = models.CharField(_("service"), max_length=10, choices=Service.choices)
    host = models.CharField(_("host"), max_length=200)
    pid = models.PositiveIntegerField(_("process"), default=0)
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last report"))

    class Meta:
        ordering = ["service", "host"]
        verbose_name = _("service heartbeat")
        verbose_name_plural = _("service heartbeats")
        constraints = [models.UniqueConstraint(fields=["service", "host"], name="heartbeat_one_per_service_host")]

    def __str__(self):
        return f"{self.get_service_display()} @ {self.host}"
