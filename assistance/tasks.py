"""Periodic jobs of the assistance app; schedules live in django-celery-beat (migration 0002)."""

from celery import shared_task

from . import services


@shared_task(name="assistance.tasks.flag_late_reports", time_limit=600)
def flag_late_reports() -> int:
    """Flag and notify departments and townships late with a progress report (once per unit, task and period)."""
    return services.flag_late_reports()


@shared_task(name="assistance.tasks.flag_cases_without_measures", time_limit=600)
def flag_cases_without_measures() -> int:
    """Notify township staff of open cases still without any assistance measure after the set days."""
    return services.flag_cases_without_measures()
