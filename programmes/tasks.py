"""Periodic jobs of the programme ledgers. Each is also a management command (programmes_flag_overdue_loans)."""

from celery import shared_task

from . import services

# Time limits well under the broker's visibility timeout: a job is never delivered twice at once.
LIMITS = {"soft_time_limit": 10 * 60, "time_limit": 12 * 60}


@shared_task(name="programmes.flag_overdue_loans", **LIMITS)
def flag_overdue_loans() -> int:
    """Raise an alert once per loan overdue beyond the threshold; it joins the household's open case."""
    return services.flag_overdue_loans()
