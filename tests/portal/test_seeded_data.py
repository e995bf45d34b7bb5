"""Seeded rows survive the flush of a transactional test (browser tests and Celery tests flush), and
the flush empties everything else: tests/fastreset.py's reset gives back the same database."""

import pytest
from django.apps import apps

from accounts.models import AccessLog, Department, log_access
from relocation.models import Household

SEEDED: dict[str, int] = {}


def _counts() -> dict[str, int]:
    tables = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    return {model._meta.label: model._base_manager.count() for model in tables}


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_seeded_departments():
    from tests.factories import HouseholdFactory

    assert Department.objects.filter(code="rsj").exists()
    SEEDED.update(_counts())
    # Rows this test leaves behind, the append-only access log's included, are gone in the next test.
    household = HouseholdFactory()
    log_access(None, AccessLog.Action.VIEW, household)
    assert AccessLog.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_and_so_does_the_next_one_after_a_flush():
    # The first test's teardown flushed every table; the serialized rows were loaded back.
    assert Department.objects.filter(code="xczx").exists()
    assert not AccessLog.objects.exists()
    assert not Household.objects.exists()
    if SEEDED:  # run alone, the first test did not record them
        assert _counts() == SEEDED


@pytest.mark.django_db(transaction=True)
def test_and_the_one_after_that():
    from django.contrib.auth.models import Group

    assert Department.objects.count() >= 26
    assert all(group.permissions.exists() for group in Group.objects.all())
    if SEEDED:
        assert _counts() == SEEDED


def test_every_data_migration_is_classed_as_seeding_or_backfill():
    """A new migration's data function must say whether the suite runs it again after a flush."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    from conftest import BACKFILL_FUNCTIONS, PORTAL_APPS, SEEDING_FUNCTIONS

    loader = MigrationLoader(None, ignore_no_migrations=True)
    unclassed = [
        f"{key[0]}.{key[1]}: {op.code.__name__}"
        for key, migration in loader.disk_migrations.items()
        if key[0] in PORTAL_APPS
        for op in migration.operations
        if isinstance(op, RunPython) and op.code.__name__ not in SEEDING_FUNCTIONS | BACKFILL_FUNCTIONS
    ]
    assert not unclassed, "add these to SEEDING_FUNCTIONS or BACKFILL_FUNCTIONS in conftest.py: " + ", ".join(unclassed)
