"""The daily digest: each member of township and site staff hears of new alerts and overdue visits."""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from notifications.services import notify

from .models import Alert
from .selectors import STAFF_ROLES, visits_due_for


def digest_send(*, on: datetime.date | None = None) -> int:
    """Notify each staff member once a day of the open alerts raised in a day and their overdue visits."""
    on = on or timezone.localdate()
    since = timezone.make_aware(datetime.datetime.combine(on - datetime.timedelta(days=1), datetime.time()))
    sent = 0
    users = get_user_model().objects.filter(is_active=True, role__in=STAFF_ROLES)
    for user in users.iterator():
        new_alerts = Alert.objects.for_user(user).open().filter(created_at__gte=since).count()
        overdue = visits_due_for(user, within_days=-1, today=on).count()
        if not (new_alerts or overdue):
            continue
        with override("zh-hans"):
            sent += notify(
                users=[user],
                kind="monitoring.digest",
                title=_("Daily digest: %(a)s new alerts, %(v)s overdue visits") % {"a": new_alerts, "v": overdue},
                body=_("Open the alert queue and your visits due to deal with them."),
                url=reverse("monitoring:alert_list") if new_alerts else reverse("monitoring:visits_due"),
                dedupe_key=f"monitoring-digest-{on.isoformat()}",
            )
    return sent
