"""Reads of responsible cadres: 我的户, households without a cadre, a measure's default cadre."""

import datetime

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from relocation.models import Household

from .models import HouseholdCadre


def my_households(user, *, today: datetime.date) -> QuerySet:
    """The households paired with ``user`` that their scope still holds, with what needs doing.

    Annotated with ``visit_due_on`` (read from the dashboards' figures table: one indexed row per
    household, written with every visit), ``last_visit_on``, ``open_alerts`` and ``open_cases``.
    The last three are subqueries that only the page's rows pay for.
    """
    from monitoring.models import Alert, MonitoringCase, Visit

    latest = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_on", "-pk")
    alerts = (
        Alert.objects.filter(household=OuterRef("pk"), status=Alert.Status.OPEN)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    cases = (
        MonitoringCase.objects.filter(household=OuterRef("pk"), status__in=MonitoringCase.OPEN_STATUSES)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Household.objects.for_user(user)
        .filter(cadre__user=user)
        .annotate(
            visit_due_on=F("figures__visit_due_on"),
            last_visit_on=Subquery(latest.values("visited_on")[:1]),
            open_alerts=Coalesce(Subquery(alerts, output_field=IntegerField()), Value(0)),
            open_cases=Coalesce(Subquery(cases, output_field=IntegerField()), Value(0)),
        )
        .order_by(F("visit_due_on").asc(nulls_last=True), "code")
    )


def my_summary(user, *, today: datetime.date) -> dict:
    """Counts for the top of 我的户: households, visits due (overdue included), open alerts, open cases."""
    from monitoring.models import Alert, MonitoringCase

    mine = Household.objects.for_user(user).filter(cadre__user=user)
    counts = mine.aggregate(households=Count("pk"), visits_due=Count("pk", filter=Q(figures__visit_due_on__lte=today)))
    ids = mine.values("pk")
    counts["open_alerts"] = Alert.objects.filter(household__in=ids, status=Alert.Status.OPEN).count()
    counts["open_cases"] = MonitoringCase.objects.filter(
        household__in=ids, status__in=MonitoringCase.OPEN_STATUSES
    ).count()
    return counts


def without_cadre(user) -> QuerySet:
    """Households of the user's scope that nobody answers for yet."""
    return Household.objects.for_user(user).filter(cadre__isnull=True)


def cadre_of(household) -> HouseholdCadre | None:
    return HouseholdCadre.objects.filter(household=household).select_related("user").first()


def measure_defaults(household, fallback_user) -> dict:
    """What a new measure names as its responsible person: the household's cadre, else the user filling in."""
    cadre = cadre_of(household)
    if cadre is not None:
        return {"cadre": cadre.name, "cadre_phone": cadre.phone}
    return {"cadre": fallback_user.display_name}
