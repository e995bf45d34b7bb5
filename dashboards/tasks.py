"""Background jobs of the dashboards: recounts of slow pages, and the nightly rebuild of the figures."""

from celery import shared_task

from accounts.models import User
from settlements.models import Settlement, Township

from . import figures
from .selectors import Focus


@shared_task(acks_late=True)
def refresh_page(user_id: int, township_id: int | None, settlement_id: int | None, language: str) -> None:
    """Count one page's figures again for the scope of the user who opened it; safe to run twice."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    township = Township.objects.filter(pk=township_id).first() if township_id else None
    settlements = Settlement.objects.select_related("township")
    settlement = settlements.filter(pk=settlement_id).first() if settlement_id else None
    if (township_id and township is None) or (settlement_id and settlement is None):
        return  # the place was deleted meanwhile
    figures.refresh(user, Focus(township=township, settlement=settlement), language)


@shared_task(name="dashboards.rebuild_figures", acks_late=True, soft_time_limit=50 * 60, time_limit=55 * 60)
def rebuild_figures() -> int:
    """Rewrite every household's figures and the monthly sums (the income window moves each month;
    anything a bulk write missed is put right). Safe to run again at any time; returns the households."""
    from . import summary

    return summary.rebuild().households
