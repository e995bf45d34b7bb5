"""Beat's scheduler: django_celery_beat's database scheduler, reporting a heartbeat as it ticks."""

import time

from django.conf import settings
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

from .heartbeat import _record_quietly


class Scheduler(DatabaseScheduler):
    """django_celery_beat's database scheduler, reporting beat's heartbeat as it ticks."""

    def __init__(self, *args, **kwargs):
        self._heartbeat_started = timezone.now()
        self._heartbeat_last = 0.0
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if time.monotonic() - self._heartbeat_last >= settings.SERVICE_HEARTBEAT_SECONDS:
            self._heartbeat_last = time.monotonic()
            _record_quietly("beat", self._heartbeat_started)
        return super().tick(*args, **kwargs)
