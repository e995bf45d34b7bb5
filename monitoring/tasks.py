"""Periodic jobs of the monitoring app. Their default schedules are registered by migration 0002."""

from celery import shared_task


@shared_task(name="monitoring.screen", soft_time_limit=50 * 60, time_limit=55 * 60)
def screen_task(full: bool = False) -> int:
    """Run the risk screening (incremental unless ``full``); returns how many alerts it raised."""
    from .screening import screen

    return screen(full=full).alerts_raised


@shared_task(name="monitoring.digest", soft_time_limit=10 * 60, time_limit=12 * 60)
def digest_task() -> int:
    """Send the daily digest of new alerts and overdue visits."""
    from .digest import digest_send

    return digest_send()
