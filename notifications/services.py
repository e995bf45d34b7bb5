from collections.abc import Iterable

from django.utils import timezone

from .models import Notification


def notify(*, users: Iterable, kind: str, title: str, body: str = "", url: str = "", dedupe_key: str = "") -> int:
    """Send one notification to each user; with a ``dedupe_key`` a user gets it once, ever.

    Returns how many notifications were created. Safe to call again for the same event.
    """
    rows = [
        Notification(user=u, kind=kind, title=title[:200], body=body, url=url[:300], dedupe_key=dedupe_key[:120])
        for u in {u.pk: u for u in users}.values()
    ]
    if not rows:
        return 0
    if dedupe_key:
        already = set(
            Notification.objects.filter(dedupe_key=dedupe_key[:120], user__in=[r.user for r in rows]).values_list(
                "user_id", flat=True
            )
        )
        rows = [r for r in rows if r.user_id not in already]
    created = Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when no ids are given)."""
    qs = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
