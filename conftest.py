"""The fixed cast of the test suite: two neighbouring towns, one site each, staff of every role.

Alice works for 洋口镇 (Yangkou), Bob for 横山镇 (Hengshan). Each town has one settlement site
and households in it. Tests ask for ``cast`` and use its people and places by name.
"""

from dataclasses import dataclass

import pytest
from django.db.backends.signals import connection_created

from accounts.models import Department, User
from tests.auth import force_login


@dataclass
class Cast:
    yangkou: object
    hengshan: object
    yangkou_site: object
    hengshan_site: object
    alice_household: object
    bob_household: object
    alice_member: object
    bob_member: object
    alice: User  # township staff of Yangkou
    bob: User  # township staff of Hengshan
    carol: User  # settlement staff of the Yangkou site
    dave: User  # settlement staff of the Hengshan site
    erin: User  # bureau staff of the HR and social security bureau (人社局)
    frank: User  # district head, district-wide
    grace: User  # township head of Hengshan (a head with a township scope)
    nobody: User  # township staff with no scope at all
    admin: User  # system administrator
    department: Department

    def everyone_but_yangkou(self) -> list[User]:
        """Users who must not see Yangkou's households."""
        return [self.bob, self.dave, self.erin, self.grace, self.nobody]


@pytest.fixture
def cast(db) -> Cast:
    from tests.factories import (
        HouseholdFactory,
        MemberFactory,
        SettlementFactory,
        TownshipFactory,
        UserFactory,
    )

    yangkou = TownshipFactory(code="361103102000", name="洋口镇")
    hengshan = TownshipFactory(code="361103103000", name="横山镇")
    yangkou_site = SettlementFactory(name="洋口安置小区", township=yangkou)
    hengshan_site = SettlementFactory(name="横山安置点", township=hengshan, kind="rural")
    alice_household = HouseholdFactory(head_name="洋口户主周一", township=yangkou, settlement=yangkou_site)
    bob_household = HouseholdFactory(head_name="横山户主吴二", township=hengshan, settlement=hengshan_site)
    alice_member = MemberFactory(household=alice_household, name="洋口户主周一")
    bob_member = MemberFactory(household=bob_household, name="横山户主吴二")
    # get_or_create: browser tests flush the database, seeded departments included.
    department, _ = Department.objects.get_or_create(
        code="rsj", defaults={"name": "区人力资源和社会保障局", "short_name": "人社局"}
    )
    R = User.Role
    return Cast(
        yangkou=yangkou,
        hengshan=hengshan,
        yangkou_site=yangkou_site,
        hengshan_site=hengshan_site,
        alice_household=alice_household,
        bob_household=bob_household,
        alice_member=alice_member,
        bob_member=bob_member,
        alice=UserFactory(username="alice", full_name="周爱丽", role=R.TOWNSHIP_STAFF, townships=[yangkou]),
        bob=UserFactory(username="bob", full_name="吴波", role=R.TOWNSHIP_STAFF, townships=[hengshan]),
        carol=UserFactory(username="carol", role=R.SETTLEMENT_STAFF, settlements=[yangkou_site]),
        dave=UserFactory(username="dave", role=R.SETTLEMENT_STAFF, settlements=[hengshan_site]),
        erin=UserFactory(username="erin", role=R.BUREAU_STAFF, department=department),
        frank=UserFactory(username="frank", role=R.HEAD, district_wide=True),
        grace=UserFactory(username="grace", role=R.HEAD, townships=[hengshan]),
        nobody=UserFactory(username="nobody", role=R.TOWNSHIP_STAFF),
        admin=UserFactory(username="admin", role=R.ADMIN, district_wide=True, is_staff=True, is_superuser=True),
        department=department,
    )


@pytest.fixture
def client_of(client):
    """client_of(user): the test client, logged in as that user (heads and admins with their code)."""
    return lambda user: force_login(client, user)


def _flush_allowed(sender, connection, **kwargs):
    """The access log refuses TRUNCATE (accounts migration 0006); the tests' throwaway database is
    emptied with TRUNCATE between transactional tests, so their sessions say that it is allowed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET portal.test_database_flush = 'on'")


connection_created.connect(_flush_allowed)


def pytest_configure(config):
    from tests.fastreset import install

    install()


def pytest_collection_modifyitems(items):
    """Transactional tests (live server, Celery workers) restore the seeded rows after their flush.

    A flush empties every table, the departments, policy tasks and thresholds that migrations seed
    included; without serialized rollback the tests after it, and the next run on a reused test
    database, would find them gone.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
        fixtures = getattr(item, "fixturenames", ())
        if transactional or "live_server" in fixtures or "transactional_db" in fixtures:
            kwargs = dict(marker.kwargs) if marker else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


# The data functions of migrations that put rows or database objects in place (departments, tasks,
# thresholds, schedules, triggers): idempotent, run again after a flush with today's models. The
# others change existing rows once (backfills) and are never run again: on an emptied database they
# have nothing to do, and a later migration may have removed a field they read.
# tests/portal/test_seeded_data.py fails on a data function that is in neither list.
PORTAL_APPS = {
    "accounts",
    "settlements",
    "relocation",
    "monitoring",
    "assistance",
    "programmes",
    "cadres",
    "dashboards",
    "exchange",
    "notifications",
    "api",
    "portal",
}
SEEDING_FUNCTIONS = {"seed", "schedule", "create_trigger", "assign_townships", "apply_rule"}
BACKFILL_FUNCTIONS = {
    "close_open_overdue_alerts",
    "forward",
    "mark_existing_alerts_notified",
    "runs_told",
    "set_resettlement",
}


def _reseed() -> None:
    """Run again every data migration of the portal's apps (they are idempotent) and the role groups."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    from accounts.roles import sync_role_groups

    for config in apps.get_app_configs():
        create_contenttypes(config, verbosity=0)
        create_permissions(config, verbosity=0)
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    for key in sorted(k for k in loader.disk_migrations if k[0] in PORTAL_APPS):
        for operation in loader.disk_migrations[key].operations:
            if isinstance(operation, RunPython) and operation.code.__name__ in SEEDING_FUNCTIONS:
                with connection.schema_editor() as editor:
                    operation.code(apps, editor)
    sync_role_groups()


@pytest.fixture(autouse=True)
def _seeded_rows_present(request):
    """Belt and braces for the serialized rollback above: a transactional test that finds the
    migration-seeded rows gone (another test's flush) puts them back before it starts."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group

    from accounts.models import Department

    # The serialized rollback brings rows back but not the role groups' permissions (an m2m).
    if not Department.objects.exists() or not Group.permissions.through.objects.exists():
        _reseed()


@pytest.fixture(scope="session", autouse=True)
def _seeded_rows_at_start(request):
    """A reused test database ends the previous run emptied by its last transactional test's flush:
    put the migration-seeded rows back once before the first test, so that a second `make test`
    sees what a fresh database has."""
    uses_db = ("db", "transactional_db", "live_server", "django_db_setup")
    if not any(
        item.get_closest_marker("django_db") or set(uses_db) & set(getattr(item, "fixturenames", ()))
        for item in request.session.items
    ):
        return  # no test of this run touches the database
    request.getfixturevalue("django_db_setup")
    django_db_blocker = request.getfixturevalue("django_db_blocker")
    from django.contrib.auth.models import Group

    from accounts.models import Department

    with django_db_blocker.unblock():
        if not Department.objects.exists() or not Group.permissions.through.objects.exists():
            _reseed()
            # The rows that transactional tests reload after their flush were read when the test
            # database was set up, from the emptied database: read them again.
            from django.db import connection

            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
