"""Periodic jobs of the site ledgers. Each is also a management command (flag_overdue_ledgers)."""

from celery import shared_task

from . import services

# Time limits well under the broker's visibility timeout: a job is never delivered twice at once.
LIMITS = {"soft_time_limit": 10 * 60, "time_limit": 12 * 60}


@shared_task(name="settlements.flag_overdue_hazards", **LIMITS)
def flag_overdue_hazards() -> dict:
    """Flag hazards past their rectification deadline, notify once, clear the rectified."""
    return services.hazards_flag_overdue()


@shared_task(name="settlements.flag_overdue_requests", **LIMITS)
def flag_overdue_requests() -> dict:
    """Flag residents' requests past their answer deadline, notify once, clear the answered."""
    return services.requests_flag_overdue()
