"""Dashboard benchmark: district and township dashboards at a million households, cold and warm.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_dashboards_bench \\
        .venv/bin/python -m bench.dashboards.run --households 1000000

Households, members, ledgers and visits come from the screening benchmark's COPY generator
(bench/screening/generate.py); this script then spreads them over five townships and ten sites,
raises alerts with the screening statement and opens cases for 3 % of households. The database is
migrated and its benchmark tables are EMPTIED when the count differs: never point it at real data.

Printed for each page: the first count (nothing cached: counted during the request, with its SQL
query count), the page right after a change (the generation bumped: the last figures are served,
marked stale, while the recount runs; the recount is timed as the worker would run it), and warm
latency (median and p95 over 50 requests through the Django test client), each as a ratio of the
household list's warm latency measured in the same run (the baseline: a paginated list page).
Targets: warm p95 <= 150 ms, cold (the first count, and after a change) <= 3 s, <= 25 queries per page.
Then the price the figures tables put on writes: saving one visit, ledger entry or member, with and
without the figures rewritten.
"""

# ruff: noqa: E501 - SQL and the result table read best on long lines

import argparse
import datetime
import os
import random
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

AS_OF = datetime.date.today()
TOWNSHIPS = [("361103990000", "基准一镇"), ("361103991000", "基准二镇"), ("361103992000", "基准三镇"),
             ("361103993000", "基准四镇"), ("361103994000", "基准五镇")]  # fmt: skip


def setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fixed_values(model, varying: set[str]) -> dict[str, object]:
    """Each column not in ``varying`` with its model default (or NULL / empty), as the generator does."""
    from django.db.models import NOT_PROVIDED

    values = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.column in varying:
            continue
        if f.default is not NOT_PROVIDED:
            value = f.default() if callable(f.default) else f.default
            values[f.column] = value
        else:
            values[f.column] = None if f.null else ""
    return values


def insert_select(model, varying: dict[str, str], from_sql: str, params=()) -> None:
    """INSERT INTO the model's table SELECT ``varying`` SQL expressions plus every other column's default."""
    import json

    from django.db import connection
    from django.utils import timezone

    fixed = _fixed_values(model, set(varying))
    for column in ("created_at", "updated_at"):
        if column in fixed:
            fixed[column] = timezone.now()
    columns = list(varying) + list(fixed)
    fixed_params = [json.dumps(v) if isinstance(v, (list, dict)) else v for v in fixed.values()]
    select = ", ".join(list(varying.values()) + ["%s"] * len(fixed))
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {select} {from_sql}"
    with connection.cursor() as cursor:
        # The varying expressions come first in the SELECT, so their parameters do too.
        cursor.execute(sql, [*params, *fixed_params])


def prepare(n: int) -> None:
    """Fill the benchmark tables (see :func:`load`), then the dashboards' figures tables from them.

    The loader writes with COPY and INSERT ... SELECT, which send no signals: like the demo data, it
    is followed by a full rebuild of the figures (timed: it is what the nightly job does).
    """
    from dashboards import summary
    from dashboards.models import FiguresRebuild, HouseholdFigures, LedgerMonthFigures
    from relocation.models import Household

    changed = load(n)
    if (
        changed
        or HouseholdFigures.objects.count() != Household.objects.count()
        or not LedgerMonthFigures.objects.exists()
    ):
        summary.rebuild()
    record = FiguresRebuild.objects.filter(finished_at__isnull=False).latest("started_at")
    print(f"the dashboards' figures of {record.households:,} households were rebuilt in {record.seconds:.0f} s "
          f"(the nightly job; {record.started_at:%Y-%m-%d %H:%M} UTC)")  # fmt: skip
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dashboards_householdfigures")
        cursor.execute("ANALYZE dashboards_ledgermonthfigures")


def load(n: int) -> bool:
    """Fill the benchmark tables with ``n`` households unless they already hold exactly that many;
    whether anything was written.

    Households and members are loaded with COPY by the screening benchmark's loader; the twelve
    monthly ledgers and the visit of each household are then made inside PostgreSQL with one
    INSERT ... SELECT each (12 million ledger rows built in Python and copied took far longer).
    """
    from django.db import connection
    from django.utils.timezone import now as timezone_now

    from bench.screening import generate as screening
    from monitoring.models import LedgerEntry, Visit, month_index
    from portal.months import window_start
    from relocation.models import Household, Member
    from settlements.models import Township

    if Household.objects.count() != n:
        t0 = time.perf_counter()
        screening.reset()
        township, _ = Township.objects.get_or_create(
            code=TOWNSHIPS[0][0], defaults={"name": TOWNSHIPS[0][1], "kind": "town"}
        )
        now = timezone_now()
        rng = random.Random(1)
        sizes = [rng.randint(1, 4) for _ in range(n)]
        common = {"created_at": now, "updated_at": now}
        screening._copy(Household, lambda i: [{"id": i + 1, "code": f"BENCH-{i + 1:08d}", "head_name": f"户主{i + 1}"}], n,
                        {**common, "township_id": township.pk, "household_type": "lifted", "placement": "apartment",
                         "relocation_year": 2018, "status": "normal", "id": None})  # fmt: skip

        def members(i):
            idle = rng.random() < 0.03  # 3 % zero-employment households
            return [{"household_id": i + 1, "name": f"成员{i + 1}-{k}", "id_number": f"B{i + 1:012d}{k:05d}",
                     "birth_date": "1980-01-01", "sex": "M", "relation": "head" if k == 0 else "other",
                     "labour_capacity": "ordinary", "willing_to_work": True,
                     "employment": "not_employed" if idle or k > 0 else "local"} for k in range(sizes[i])]  # fmt: skip

        screening._copy(Member, members, n, {**common, "household_id": None})
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('relocation_household', 'id'), %s)", [n])
        print(f"copied {n:,} households and their members in {time.perf_counter() - t0:.0f} s")
    if LedgerEntry.objects.count() != 12 * n:
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE monitoring_ledgerentry, monitoring_visit, monitoring_alert, monitoring_monitoringcase CASCADE"
            )
        first = AS_OF.replace(day=1)
        start = window_start(first)
        sizes_sql = "(SELECT household_id, COUNT(*) AS size FROM relocation_member GROUP BY household_id)"
        insert_select(
            LedgerEntry,
            {"household_id": "s.household_id", "period": "p::date", "month_index": f"{month_index(start)} + m",
             "household_size": "s.size",
             # Around 1,300 yuan a person a month, varying by household: a quarter under the warning line.
             "wage_income": "round((s.size * (600 + (s.household_id * 7919 %% 1400)))::numeric, 2)"},
            f"FROM {sizes_sql} s CROSS JOIN generate_series(0, 11) m "
            f"CROSS JOIN LATERAL (SELECT DATE '{start:%Y-%m-%d}' + make_interval(months => m) AS p) d",
        )  # fmt: skip
        insert_select(
            Visit,
            {"household_id": "id", "visited_on": "%s::date",
             "next_visit_on": "CASE WHEN id %% 20 = 0 THEN %s::date ELSE %s::date END", "findings": "'基准'"},
            "FROM relocation_household",
            [AS_OF - datetime.timedelta(days=30), AS_OF - datetime.timedelta(days=3), AS_OF + datetime.timedelta(days=60)],
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE monitoring_ledgerentry")
            cursor.execute("ANALYZE monitoring_visit")
        print(f"made {12 * n:,} ledger rows and {n:,} visits in PostgreSQL in {time.perf_counter() - t0:.0f} s")
    elif Household.objects.filter(settlement__isnull=False).exists():
        print(f"reusing {n:,} households, their ledgers, places, alerts and cases")
        return False
    township_ids, site_ids = places()
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        # Household i goes to township i % 5 and to one of its two sites; 5 % to no site at all.
        cursor.execute(
            "UPDATE relocation_household SET township_id = (%s)[id %% 5 + 1], "
            "settlement_id = CASE WHEN id %% 20 = 0 THEN NULL ELSE (%s)[id %% 10 + 1] END, "
            "status = CASE WHEN id %% 33 = 0 THEN 'monitored' WHEN id %% 97 = 0 THEN 'eliminated' ELSE 'normal' END, "
            "placement = CASE WHEN id %% 3 = 0 THEN 'homestead' ELSE 'apartment' END",
            [township_ids, site_ids],
        )
        from bench.screening.run import FLOOR

        cursor.execute(FLOOR)
        cursor.execute(
            "INSERT INTO monitoring_monitoringcase (household_id, object_type, risk_types, discovery_channel, status, "
            "identified_at, notes, created_at, updated_at) SELECT id, "
            "(ARRAY['unstable','marginal','sudden'])[id %% 3 + 1], "
            'CASE WHEN id %% 2 = 0 THEN \'["illness", "unstable_employment"]\'::jsonb ELSE \'["schooling"]\'::jsonb END, '
            "'system_screening', 'approved', %s, '', now(), now() FROM relocation_household WHERE id %% 33 = 0",
            [AS_OF - datetime.timedelta(days=40)],
        )
        for table in ("relocation_household", "monitoring_alert", "monitoring_monitoringcase"):
            cursor.execute(f"ANALYZE {table}")
    print(f"spread over townships and sites, alerts and cases in {time.perf_counter() - t0:.0f} s")
    return True


def places() -> tuple[list[int], list[int]]:
    """Five townships with two sites each; site k belongs to township k % 5."""
    from settlements.models import Settlement, Township

    townships = [
        Township.objects.get_or_create(code=c, defaults={"name": name, "kind": "town"})[0] for c, name in TOWNSHIPS
    ]
    sites = {}
    for i, t in enumerate(townships):
        for j in range(2):
            sites[(i, j)], _ = Settlement.objects.get_or_create(
                code=f"BENCH{i}{j}", defaults={"name": f"{t.name}{j + 1}号安置点", "kind": "urban", "township": t}
            )
    # Household id % 10 = k picks site k; its township is id % 5 = k % 5, so the two always agree.
    return [t.pk for t in townships], [sites[(k % 5, k // 5)].pk for k in range(10)]


def users():
    from accounts.models import User
    from settlements.models import Township

    head, _ = User.objects.get_or_create(username="bench-head", defaults={"role": "head", "district_wide": True})
    township_head, created = User.objects.get_or_create(username="bench-township-head", defaults={"role": "head"})
    township = Township.objects.get(code=TOWNSHIPS[0][0])
    if created:
        township_head.townships.set([township])
    return head, township_head, township


def measure(client, url: str, user, focus, *, warm_runs: int = 50, cold_runs: int = 5) -> dict:
    """A page's latency in its three states, and its query counts.

    - first count: no figures cached at all (a fresh cache): counted during the request;
    - after a change: the generation bumped, the last figures kept: served at once, marked stale,
      with a recount queued; the recount (what the Celery worker runs) is timed separately;
    - warm: figures cached for the current generation.
    """
    from unittest import mock

    from django.conf import settings
    from django.core.cache import cache as django_cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboards import cache
    from dashboards.figures import page_key
    from dashboards.tasks import refresh_page

    django_cache.delete(cache.latest_key(page_key(user, focus, settings.LANGUAGE_CODE)))
    cache.bump()
    with CaptureQueriesContext(connection) as captured:
        t0 = time.perf_counter()
        response = client.get(url, secure=True)
        first = time.perf_counter() - t0
    assert response.status_code == 200, (url, response.status_code)
    assert not stale_page(response), "the first count was not made during the request"
    queries = len(captured)
    changed, recount = [], []
    for _ in range(cold_runs):
        cache.bump()
        with mock.patch.object(refresh_page, "delay") as queued:
            t0 = time.perf_counter()
            response = client.get(url, secure=True)
            changed.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
        stale = stale_page(response)
        if queued.called:
            t0 = time.perf_counter()
            refresh_page(*queued.call_args.args)
            recount.append(time.perf_counter() - t0)
        elif not stale:
            recount.append(changed[-1])  # a fast page is counted during the request
    warm = []
    for _ in range(warm_runs):
        t0 = time.perf_counter()
        response = client.get(url, secure=True)
        warm.append(time.perf_counter() - t0)
    assert not stale_page(response)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, secure=True)
    return {"first": first, "changed": changed, "recount": recount, "warm": warm, "queries": queries,
            "changed_stale": stale, "warm_queries": len(captured)}  # fmt: skip


def stale_page(response) -> bool:
    """Whether the page showed its last figures while they are counted again (its banner)."""
    return b'id="dashboard-stale"' in response.content


def timed(client, url: str, runs: int) -> list[float]:
    """Seconds of ``runs`` requests of ``url``."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url, secure=True)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
    return times


def write_costs(n: int, runs: int = 20) -> list[tuple[str, float, float]]:
    """What keeping the figures costs a write: the median time of saving one visit, one ledger entry
    and one member through the ORM, with the figures rewritten (the signals) and without, each in a
    transaction that is rolled back (the benchmark data stay as they were)."""
    from unittest import mock

    from django.db import transaction

    from dashboards import summary
    from monitoring.models import LedgerEntry, Visit
    from relocation.models import Household, Member
    from tests.factories import make_id_number

    id_numbers = iter([make_id_number() for _ in range(2 * runs)])  # made before timing: slow to make
    households = list(Household.objects.filter(pk__in=range(7, n, max(1, n // runs))).order_by("pk")[:runs])

    # Each returns the save to time; fetching the row to change is not part of it.
    def visit(h):
        due = AS_OF + datetime.timedelta(days=60)
        return lambda: Visit.objects.create(household=h, visited_on=AS_OF, findings="基准", next_visit_on=due)

    def ledger(h):
        entry = LedgerEntry.objects.get(household=h, period=AS_OF.replace(day=1))
        entry.wage_income += 1
        return entry.save

    def member(h):
        person = Member.objects.filter(household=h).order_by("relation", "pk")[0]
        person.employment = "province" if person.employment == "local" else "local"
        person.id_number = next(id_numbers)  # the generator's placeholders are not valid ID numbers
        return person.save

    def timed_writes(write) -> float:
        took = []
        for h in households:
            with transaction.atomic():
                save = write(h)
                t0 = time.perf_counter()
                save()
                took.append(time.perf_counter() - t0)
                transaction.set_rollback(True)
        return statistics.median(took)

    results = []
    for name, write in (("a visit", visit), ("a ledger entry", ledger), ("a member", member)):
        kept = timed_writes(write)
        with (
            mock.patch.object(summary, "refresh_households"),
            mock.patch.object(summary, "refresh_places"),
            mock.patch.object(summary, "add_to_months"),
        ):
            bare = timed_writes(write)
        results.append((name, kept, bare))
    return results


def p95(values):
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--warm", type=int, default=50, help="warm requests per page")
    parser.add_argument("--cold", type=int, default=5, help="cold requests per page (cache bumped before each)")
    args = parser.parse_args(argv)
    setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # Pages are rendered without collectstatic having run: plain static storage, as in the tests.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Every change is followed by a recount here, to time each one (production waits 5 minutes).
    override_settings(STORAGES=storages, DASHBOARD_MIN_RECOUNT_SECONDS=0).enable()
    from django.test import Client
    from django.urls import reverse

    from dashboards.selectors import Focus
    from tests.auth import force_login

    prepare(args.households)
    head, township_head, township = users()
    from portal.runtime import settle

    settle()  # what portal/wsgi.py does in every web process once the application is loaded
    print(f"cache backend: {settings.CACHES['default']['BACKEND']}")
    # Heads need a verified second factor on every request: the session carries it, as after the login.
    client = force_login(Client(), head)
    # The list counts and sorts all households on each request: five runs make a stable enough reference.
    base = statistics.median(timed(client, reverse("relocation:household_list"), 5))
    other = force_login(Client(), township_head)
    pages = [
        ("district dashboard (head)", client, reverse("dashboards:overview"), head, Focus()),
        ("township dashboard (township head)", other, reverse("dashboards:overview"), township_head, Focus()),
        ("township dashboard (district head)", client, reverse("dashboards:township", args=[township.pk]), head,
         Focus(township=township)),
    ]  # fmt: skip
    print(f"\n{args.households:,} households; baseline: household list warm median {base * 1000:.0f} ms")
    print(f"{'page':36} {'first':>8} {'changed':>8} {'recount':>8} {'warm med':>9} {'warm p95':>9} {'x base':>7} "
          f"{'queries':>8} {'warm q':>7}")  # fmt: skip
    ok = True
    for name, c, url, user, focus in pages:
        r = measure(c, url, user, focus, warm_runs=args.warm, cold_runs=args.cold)
        changed = max(r["changed"])
        recount = statistics.median(r["recount"]) if r["recount"] else float("nan")
        warm_med, warm_p95 = statistics.median(r["warm"]), p95(r["warm"])
        print(f"{name:36} {r['first']:7.1f}s {changed * 1000:6.0f}ms {recount:7.1f}s {warm_med * 1000:8.1f}ms "
              f"{warm_p95 * 1000:8.1f}ms {warm_med / base:7.2f} {r['queries']:8d} {r['warm_queries']:7d}"
              f"{'  (stale while recounting)' if r['changed_stale'] else ''}")  # fmt: skip
        ok &= warm_p95 <= 0.150 and r["first"] <= 3.0 and changed <= 3.0 and r["queries"] <= 25
    print(
        "\nfirst = nothing cached at all (a new deployment, an emptied cache), counted in the request; "
        "changed = worst page after a change (counted in the request when the last count took under "
        "DASHBOARD_SYNC_SECONDS, else the last figures, marked stale, while the worker recounts); recount = that count."
    )
    print(
        "targets (warm p95 <= 150 ms, cold <= 3 s first and after a change, <= 25 queries):", "met" if ok else "NOT met"
    )
    print("\nthe price on writes: saving one row through the ORM (median of 20, rolled back)")
    for name, kept, bare in write_costs(args.households):
        print(
            f"  {name:16} {kept * 1000:7.1f} ms with its figures rewritten, {bare * 1000:7.1f} ms without ({kept / bare:.1f}x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
