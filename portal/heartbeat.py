"""Heartbeats of the background services, so that the administrator sees a dead worker or beat.

The worker reports from a consumer step (:class:`WorkerHeartbeat`): it runs only while the worker
is connected to the broker and able to take tasks, so a worker that lost Redis for good, or died,
stops reporting. Beat reports from its scheduler's tick (:class:`portal.beat.Scheduler`). The dashboard of an
administrator shows each service's last report, red when older than ``SERVICE_STALE_SECONDS``.
"""

import logging
import os
import socket
from dataclasses import dataclass

from celery import bootsteps
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

log = logging.getLogger(__name__)


def heartbeat_record(service: str, *, started_at=None, host: str | None = None) -> None:
    """Record that ``service`` runs on this host now."""
    from .models import ServiceHeartbeat

    now = timezone.now()
    defaults = {"seen_at": now, "pid": os.getpid()}
    if started_at is not None:
        defaults["started_at"] = started_at
    ServiceHeartbeat.objects.update_or_create(
        service=service, host=host or socket.gethostname(), defaults=defaults, create_defaults={**defaults,
        "started_at": started_at or now})  # fmt: skip


def _record_quietly(service: str, started_at) -> None:
    try:
        close_old_connections()
        heartbeat_record(service, started_at=started_at)
    except Exception:  # a database hiccup must not stop the service it reports on
        log.warning("could not record the %s heartbeat", service, exc_info=True)


@dataclass
class ServiceStatus:
    service: str
    label: str
    host: str
    seen_at: object
    started_at: object
    stale: bool


def service_statuses(now=None) -> list[ServiceStatus]:
    """Each service's last report, with ``stale`` when older than SERVICE_STALE_SECONDS; a service
    that never reported is listed without a host and stale."""
    from .models import ServiceHeartbeat

    now = now or timezone.now()
    limit = settings.SERVICE_STALE_SECONDS
    rows = list(ServiceHeartbeat.objects.all())
    found = []
    for value, label in ServiceHeartbeat.Service.choices:
        mine = [r for r in rows if r.service == value]
        if not mine:
            found.append(ServiceStatus(value, str(label), "", None, None, True))
        for r in mine:
            stale = (now - r.seen_at).total_seconds() > limit
            found.append(ServiceStatus(value, str(label), r.host, r.seen_at, r.started_at, stale))
    return found


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A consumer step: started once the worker is connected to the broker, stopped when it is not."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.timer_ref = None
        self.started_at = timezone.now()

    def start(self, c):
        _record_quietly("worker", self.started_at)
        self.timer_ref = c.timer.call_repeatedly(
            settings.SERVICE_HEARTBEAT_SECONDS, _record_quietly, ("worker", self.started_at), priority=10
        )

    def stop(self, c):
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None

    shutdown = stop
