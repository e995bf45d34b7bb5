"""Reads of the monitoring app that span models."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import DateField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from relocation.models import Household

from .models import Visit

STAFF_ROLES = ["township_staff", "settlement_staff"]


def responsible_staff(household: Household) -> QuerySet:
    """Active township and site staff whose scope covers the household (who verify its alerts)."""
    User = get_user_model()
    q = Q(townships=household.township_id)
    if household.settlement_id:
        q |= Q(settlements=household.settlement_id)
    return User.objects.filter(q, is_active=True, role__in=STAFF_ROLES).distinct()


def with_visit_due(households: QuerySet) -> QuerySet:
    """Households annotated with ``last_visit_on`` and ``visit_due_on``.

    The due date is the latest visit's planned next visit; a household never visited is due for a
    first visit from the day it was registered.
    """
    latest = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_on", "-pk")
    return households.annotate(
        last_visit_on=Subquery(latest.values("visited_on")[:1]),
        visit_due_on=Coalesce(
            Subquery(latest.values("next_visit_on")[:1]), TruncDate("created_at"), output_field=DateField()
        ),
    )


def visits_due_for(user, *, within_days: int = 14, today: datetime.date | None = None) -> QuerySet:
    """The user's households whose visit falls due within ``within_days`` or is overdue, most overdue first.

    The due date is read from the households' figures (``dashboards.HouseholdFigures.visit_due_on``,
    rewritten with every visit saved, the same as :func:`with_visit_due` computes): an index orders
    them, where computing it for each of a township's 200,000 households took over a second.
    """
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=within_days)
    latest = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_on", "-pk")
    return (
        Household.objects.for_user(user)
        .filter(figures__visit_due_on__lte=horizon)
        .annotate(visit_due_on=F("figures__visit_due_on"), last_visit_on=Subquery(latest.values("visited_on")[:1]))
        .order_by(F("visit_due_on").asc(), "code")
    )


def visits_overdue_for(user, *, today: datetime.date | None = None) -> QuerySet:
    """The work list of overdue visits (回访逾期): the user's households whose visit was due before
    ``today``, most overdue first. Overdue visits are this list, not alerts to verify."""
    return visits_due_for(user, within_days=-1, today=today)
