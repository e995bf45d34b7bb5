"""Staff notifications of the monitoring loop.

- After a screening run that raised alerts, each member of township and site staff whose area got
  some hears at once how many, with a link to them in the queue (one notification per run).
- The daily digest: each member of township and site staff hears of new alerts and of the overdue
  visits of the work list (回访逾期), which are not alerts.
"""

import datetime
import logging
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from notifications.services import notify

from .models import Alert, ScreeningRun
from .selectors import STAFF_ROLES, visits_overdue_for

log = logging.getLogger(__name__)


def screening_run_alerts(run: ScreeningRun, alerts=None):
    """The alerts (of ``alerts``, default all) a screening run raised: it stamps them between its start and end."""
    alerts = Alert.objects.all() if alerts is None else alerts
    return alerts.filter(source=Alert.Source.SCREENING, created_at__gte=run.started_at, created_at__lte=run.finished_at)


def screening_alerts_notify(*, run: ScreeningRun | None = None) -> int:
    """Tell each staff member how many screening alerts in their area nobody has been told of yet,
    and mark them told; returns how many notifications were sent.

    Alerts nobody was told of are those of the runs whose notice was not sent (``ScreeningRun.notified_at``
    empty), found by the run's stamp (:func:`screening_run_alerts`): alerts that a killed run's
    statement committed after its worker died are announced by the next run, once the run is marked
    interrupted. A run still running is left to its own notice. ``run`` (the run sending the notice)
    only chooses the link: to that run's alerts when no other run's are in the notice, else to the
    queue. All in one transaction: a crash half-way tells nobody and marks nothing, and the next call
    sends it again; each notice carries a key so that a user is told of the same batch once.
    """
    with transaction.atomic():
        # Locked: two notices at once (a retried task) wait for each other instead of both telling.
        runs = list(
            ScreeningRun.objects.select_for_update()
            .filter(notified_at__isnull=True)
            .exclude(status=ScreeningRun.Status.RUNNING)
            .order_by("pk")
        )
        if not runs:
            return 0
        now = timezone.now()
        stamped = Q(pk__in=[])
        for pending in runs:
            stamped |= Q(created_at__gte=pending.started_at, created_at__lte=pending.finished_at or now)
        # Every status, spelled out: the run's alerts are then found through the (status, created_at)
        # index of the queue, a few range scans, instead of reading every alert.
        alerts = Alert.objects.filter(source=Alert.Source.SCREENING, status__in=Alert.Status.values).filter(stamped)
        # One grouped query, however many alerts: new alerts per (township, site) of their households.
        groups = Counter()
        places = alerts.values("household__township_id", "household__settlement_id")
        for row in places.annotate(n=Count("pk")).order_by():
            groups[(row["household__township_id"], row["household__settlement_id"])] += row["n"]
        ScreeningRun.objects.filter(pk__in=[r.pk for r in runs]).update(notified_at=now)
        if not groups:
            return 0
        users = list(get_user_model().objects.filter(is_active=True, role__in=STAFF_ROLES).prefetch_related(
            "townships", "settlements"))  # fmt: skip
        own = run is not None and run.finished_at is not None and [r.pk for r in runs] == [run.pk]
        if not own and run is not None and run.finished_at is not None and any(r.pk == run.pk for r in runs):
            # Other runs are pending too: link to this run only when none of them stamped an alert.
            others = Q(pk__in=[])
            for pending in runs:
                if pending.pk != run.pk:
                    others |= Q(created_at__gte=pending.started_at, created_at__lte=pending.finished_at or now)
            own = not alerts.filter(others).exists()
        url = None  # reversed for the first user told: loading the URL configuration takes a worker a second
        when = timezone.localtime(run.started_at if run is not None else now)
        sent = 0
        for user in users:
            townships = {t.pk for t in user.townships.all()}
            settlements = {s.pk for s in user.settlements.all()}
            # The same rule as the scope gate: the user's townships, or the user's sites.
            count = sum(n for (t, s), n in groups.items() if t in townships or s in settlements)
            if not count:
                continue
            if url is None:
                url = reverse("monitoring:alert_list") + (f"?run={run.pk}" if own else "")
            with override("zh-hans"):
                sent += notify(
                    users=[user],
                    kind="monitoring.screening",
                    title=_("Screening raised %(n)s new alerts in your area") % {"n": count},
                    body=_("Screening run of %(when)s. Verify them in the alert queue.")
                    % {"when": when.strftime("%Y-%m-%d %H:%M")},
                    url=url,
                    dedupe_key=f"screening-runs-{runs[0].pk}-{runs[-1].pk}",
                )
    return sent


def digest_send(*, on: datetime.date | None = None) -> int:
    """Notify each staff member once a day of the open alerts raised in a day and their overdue visits."""
    on = on or timezone.localdate()
    since = timezone.make_aware(datetime.datetime.combine(on - datetime.timedelta(days=1), datetime.time()))
    sent = 0
    users = get_user_model().objects.filter(is_active=True, role__in=STAFF_ROLES)
    for user in users.iterator():
        new_alerts = Alert.objects.for_user(user).open().filter(created_at__gte=since).count()
        overdue = visits_overdue_for(user, today=on).count()
        if not (new_alerts or overdue):
            continue
        with override("zh-hans"):
            sent += notify(
                users=[user],
                kind="monitoring.digest",
                title=_("Daily digest: %(a)s new alerts, %(v)s overdue visits") % {"a": new_alerts, "v": overdue},
                body=_("Open the alert queue and the overdue visits (回访逾期) to deal with them."),
                url=reverse("monitoring:alert_list") if new_alerts else reverse("monitoring:visits_overdue"),
                dedupe_key=f"monitoring-digest-{on.isoformat()}",
            )
    return sent
