"""Fallback freshness: any save or delete of a model the dashboards count makes them stale.

Bulk writes (COPY, bulk_create, queryset.update) send no signals; the code doing them calls
``dashboards.cache.bump()`` itself.
"""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from . import cache
from .parts import models_exist

# Every model whose rows a dashboard figure counts; those not (yet) installed are skipped.
COUNTED_MODELS = [
    "relocation.Household",
    "relocation.Member",
    "settlements.Township",
    "settlements.Settlement",
    "settlements.SafetyHazard",
    "settlements.ResidentRequest",
    "monitoring.LedgerEntry",
    "monitoring.AnnualIncome",
    "monitoring.Visit",
    "monitoring.Thresholds",
    "monitoring.Alert",
    "monitoring.MonitoringCase",
    "assistance.AssistancePlan",
    "assistance.Measure",
    "assistance.PolicyTask",
    "assistance.TaskAssignment",
    "assistance.ProgressReport",
]


def _bump_after_commit():
    cache.bump()


def changed(sender, raw=False, **kwargs):
    """Bump now, so the writing transaction itself reads fresh figures, and again after commit,
    so a page computed by another request between the write and the commit does not outlive it."""
    if raw:
        return
    cache.bump()
    if connection.in_atomic_block:
        # One after-commit bump per transaction, however many rows it saves.
        pending = getattr(connection, "run_on_commit", [])
        if not any(entry[1] is _bump_after_commit for entry in pending):
            transaction.on_commit(_bump_after_commit)


def connect() -> None:
    """Connect the handler to every counted model that exists."""
    from django.apps import apps

    for label in COUNTED_MODELS:
        if models_exist(label):
            model = apps.get_model(label)
            uid = f"dashboards.changed.{label}"
            post_save.connect(changed, sender=model, dispatch_uid=uid)
            post_delete.connect(changed, sender=model, dispatch_uid=uid)


# --- the figures tables (dashboards.summary) --------------------------------------------------------


def _old_values(instance, *fields):
    """The stored values of ``fields`` of an instance about to be saved (None for a new row)."""
    if instance._state.adding or instance.pk is None:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).values_list(*fields).first()


def household_saving(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._figures_old_place = _old_values(instance, "township_id", "settlement_id")


def household_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from . import summary

    summary.refresh_households([instance.pk])
    old = getattr(instance, "_figures_old_place", None)
    new = (instance.township_id, instance.settlement_id)
    if old is not None and tuple(old) != new:
        # A household that moves takes its ledgers' monthly sums from one place to the other.
        summary.refresh_places([tuple(old), new])


def household_deleted(sender, instance, **kwargs):
    from . import summary

    # Its figures row went with it (a cascade); its ledgers leave its place's monthly sums.
    summary.refresh_places([(instance.township_id, instance.settlement_id)])


def _household_going(kwargs) -> bool:
    """Whether a delete is part of deleting the household itself (then nothing is left to count)."""
    from django.db.models import QuerySet

    from relocation.models import Household

    origin = kwargs.get("origin")
    return isinstance(origin, Household) or (isinstance(origin, QuerySet) and origin.model is Household)


def member_saving(sender, instance, raw=False, **kwargs):
    if not raw:
        old = _old_values(instance, "household_id")
        instance._figures_old_household = old[0] if old else None


def member_changed(sender, instance, raw=False, **kwargs):
    if raw or _household_going(kwargs):
        return
    from . import summary

    summary.refresh_households([instance.household_id, getattr(instance, "_figures_old_household", None)])


LEDGER_FIELDS = ("household_id", "period", "wage_income", "business_income", "property_income", "transfer_income",
                 "production_cost", "medical_expense", "schooling_expense", "household_size")  # fmt: skip


def _ledger_values(instance) -> tuple:
    return tuple(getattr(instance, f) for f in LEDGER_FIELDS)


def _month_change(values: tuple, sign: int) -> tuple:
    """The net income (monitoring/income.py) a ledger entry adds to its place's month, signed."""
    from types import SimpleNamespace

    from monitoring import income
    from monitoring.models import Thresholds

    row = SimpleNamespace(**dict(zip(LEDGER_FIELDS, values, strict=True)))
    return row.household_id, row.period, sign * income.net(row, Thresholds.for_date()), sign * row.household_size, sign


def ledger_saving(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._figures_old = _old_values(instance, *LEDGER_FIELDS)


def ledger_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from . import summary

    # The values as stored (amounts rounded to the cent), read without touching the caller's instance.
    new = type(instance)._base_manager.filter(pk=instance.pk).values_list(*LEDGER_FIELDS).first()
    old = getattr(instance, "_figures_old", None)
    # An entry corrected to another household or month leaves the old one.
    summary.refresh_households({new[0], old[0]} if old else {new[0]})
    changes = [_month_change(new, 1)]
    if old is not None:
        changes.append(_month_change(tuple(old), -1))
    summary.add_to_months(changes)


def ledger_deleted(sender, instance, **kwargs):
    if _household_going(kwargs):
        return
    from . import summary

    summary.refresh_households([instance.household_id])
    summary.add_to_months([_month_change(_ledger_values(instance), -1)])


def visit_changed(sender, instance, raw=False, **kwargs):
    if raw or _household_going(kwargs):
        return
    from . import summary

    summary.refresh_households([instance.household_id])


def connect_figures() -> None:
    """Keep the figures tables true on every ORM save and delete of what they summarise."""
    from django.apps import apps
    from django.db.models.signals import pre_save

    household = apps.get_model("relocation.Household")
    member = apps.get_model("relocation.Member")
    ledger = apps.get_model("monitoring.LedgerEntry")
    visit = apps.get_model("monitoring.Visit")
    annual = apps.get_model("monitoring.AnnualIncome")
    pre_save.connect(household_saving, sender=household, dispatch_uid="dashboards.figures.household_saving")
    post_save.connect(household_saved, sender=household, dispatch_uid="dashboards.figures.household")
    post_delete.connect(household_deleted, sender=household, dispatch_uid="dashboards.figures.household")
    pre_save.connect(member_saving, sender=member, dispatch_uid="dashboards.figures.member_saving")
    pre_save.connect(ledger_saving, sender=ledger, dispatch_uid="dashboards.figures.ledger_saving")
    post_save.connect(ledger_saved, sender=ledger, dispatch_uid="dashboards.figures.ledger")
    post_delete.connect(ledger_deleted, sender=ledger, dispatch_uid="dashboards.figures.ledger")
    for model, handler in ((member, member_changed), (visit, visit_changed), (annual, visit_changed)):
        uid = f"dashboards.figures.{model._meta.label}"
        post_save.connect(handler, sender=model, dispatch_uid=uid)
        post_delete.connect(handler, sender=model, dispatch_uid=uid)
