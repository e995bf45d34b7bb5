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
