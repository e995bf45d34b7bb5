"""Screening benchmark: full run, the hand-written floor, incremental after 1 % changed, a second full run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_monitoring_bench \\
        .venv/bin/python -m bench.screening.run --sizes 10000,1000000

The database is migrated and its benchmark tables are EMPTIED: never point it at real data.
Times are wall-clock medians of one run each (the figures move; the ratios hold better). Each
screening runs in a fresh child process so that its peak resident memory is the worker's own.
"""

# ruff: noqa: E501 - the floor statement reads best on long lines

import argparse
import datetime
import multiprocessing
import multiprocessing.forkserver
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

AS_OF = datetime.date(2026, 11, 15)

# The same rules, hand-written as ONE statement with the 2026 defaults typed in: the floor. As fast as
# it can be written: one GROUP BY of the ledger over the twelve completed months (a hash aggregate
# over a sequential scan, no sort, no per-household subquery), net income and the annual accountings
# (the latest of last year and this year, DISTINCT ON) folded in, the same evidence and the same
# covered and quiet filters as screening. No parallel workers: PostgreSQL plans no
# parallel query for an INSERT. Visits are not in it: overdue visits are a work list, not a rule.
LAST = 2026 * 12 + 10 - 1  # month_index of October 2026, the last completed month before AS_OF
NET = "(wage_income + business_income + property_income + transfer_income - production_cost)"
FLOOR = f"""
INSERT INTO monitoring_alert (household_id, rule, period, evidence, measure, status, source, created_at, resolution)
SELECT hid, rule, period, evidence, measure, 'open', 'floor', now(), '' FROM (
  WITH ledger AS (
    SELECT household_id, period, month_index, household_size, CAST({NET} AS DOUBLE PRECISION) net,
      medical_expense, schooling_expense
    FROM monitoring_ledgerentry WHERE month_index > {LAST} - 12 AND month_index <= {LAST} OFFSET 0),
  agg AS (
    SELECT household_id hid, MAX(period) period, COUNT(*) n, SUM(net / household_size) pc, MAX(household_size) size,
      SUM(net) FILTER (WHERE month_index = {LAST}) last_income,
      SUM(net) FILTER (WHERE month_index >= {LAST} - 3 AND month_index < {LAST}) base_income,
      COUNT(*) FILTER (WHERE month_index >= {LAST} - 3 AND month_index < {LAST}) base_n,
      SUM(medical_expense) FILTER (WHERE medical_expense <> 0) medical, SUM(schooling_expense) FILTER (WHERE schooling_expense <> 0) schooling
    FROM ledger GROUP BY household_id),
  annual AS (
    SELECT DISTINCT ON (household_id) household_id hid, year, household_size size, {NET} income
    FROM monitoring_annualincome WHERE year BETWEEN 2025 AND 2026 ORDER BY household_id, year DESC)
  SELECT hid, 'income_low' rule, period, jsonb_build_object('per_capita_income', ROUND((pc * 12 / n)::numeric, 2),
      'warning_line', 13200, 'income_line', 8800, 'months', n, 'household_size', size, 'year', 2026, 'source', 'ledger') evidence,
      ROUND((pc * 12 / n)::numeric, 2) measure
    FROM agg WHERE n >= 6 AND pc * 12 / n < 13200 AND NOT EXISTS (SELECT 1 FROM annual a WHERE a.hid = agg.hid)
  UNION ALL SELECT hid, 'income_low', CASE WHEN year = 2026 THEN DATE '2026-12-01' ELSE DATE '2025-12-01' END,
      jsonb_build_object('per_capita_income', ROUND(income * 1.0 / size, 2), 'warning_line', 13200, 'income_line', 8800,
      'household_size', size, 'year', 2026, 'source', 'annual', 'accounting_year', year), ROUND(income * 1.0 / size, 2)
    FROM annual WHERE income * 1.0 / size < 13200
  UNION ALL SELECT hid, 'income_drop', period, jsonb_build_object('month_income', ROUND(last_income::numeric, 2),
      'previous_average', ROUND((base_income / base_n)::numeric, 2), 'drop_percent', ROUND((100 - last_income * 100 / (base_income / base_n))::numeric, 1),
      'threshold_percent', 30, 'months_compared', base_n, 'year', 2026), ROUND((100 - last_income * 100 / (base_income / base_n))::numeric, 1)
    FROM agg WHERE base_n > 0 AND base_income > 0 AND last_income < base_income / base_n * 0.7
  UNION ALL SELECT hid, 'medical_expense', period, jsonb_build_object('medical_expense', ROUND(medical, 2), 'threshold', 5000,
      'months', n, 'year', 2026), ROUND(medical, 2) FROM agg WHERE medical >= 5000
  UNION ALL SELECT hid, 'schooling_expense', period, jsonb_build_object('schooling_expense', ROUND(schooling, 2),
      'threshold', 10000, 'months', n, 'year', 2026), ROUND(schooling, 2) FROM agg WHERE schooling >= 10000
  UNION ALL SELECT m.household_id, 'zero_employment', DATE '2026-11-01', jsonb_build_object(
      'able_and_willing', SUM(CASE WHEN m.labour_capacity <> 'none' AND m.willing_to_work THEN 1 ELSE 0 END),
      'employed', 0, 'members', COUNT(*)), NULL
    FROM relocation_member m GROUP BY m.household_id
    HAVING SUM(CASE WHEN m.labour_capacity <> 'none' AND m.willing_to_work THEN 1 ELSE 0 END) > 0
       AND SUM(CASE WHEN m.employment IN ('local','province','outside','welfare_post','self_employed') THEN 1 ELSE 0 END) = 0
) hits
WHERE NOT EXISTS (
    SELECT 1 FROM monitoring_monitoringcase c WHERE c.household_id = hits.hid
      AND c.status IN ('identified', 'reviewed', 'approved', 'long_term')
      AND (EXISTS (SELECT 1 FROM monitoring_alert ca WHERE ca.case_id = c.id
                   AND (CASE ca.rule WHEN 'income_low' THEN 'income' WHEN 'income_drop' THEN 'income' ELSE ca.rule END)
                     = (CASE hits.rule WHEN 'income_low' THEN 'income' WHEN 'income_drop' THEN 'income' ELSE hits.rule END))
           OR (hits.rule = 'zero_employment' AND (c.risk_types @> '["unstable_employment"]' OR c.risk_types @> '["lack_of_labour"]'))
           OR (hits.rule = 'medical_expense' AND c.risk_types @> '["illness"]')
           OR (hits.rule = 'schooling_expense' AND c.risk_types @> '["schooling"]')))
  AND NOT EXISTS (
    SELECT 1 FROM monitoring_alert q WHERE q.household_id = hits.hid AND q.rule = hits.rule AND q.status = 'dismissed'
      AND q.resolved_at >= now() - interval '90 days'
      AND NOT EXISTS (SELECT 1 FROM monitoring_alert r WHERE r.household_id = q.household_id AND r.rule = q.rule
                      AND r.created_at > q.created_at)
      AND NOT (hits.measure IS NOT NULL AND q.measure IS NOT NULL AND CASE WHEN hits.rule = 'income_low'
               THEN hits.measure <= q.measure * 0.9 ELSE hits.measure >= q.measure * 1.1 END))
ON CONFLICT DO NOTHING
"""


def plan_of(sql: str) -> str:
    """The floor's plan in brief: the top node under the INSERT and the nodes that do the work."""
    import json

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    found = []

    def walk(node, depth=0):
        name = node["Node Type"] + (f" ({node['Strategy']})" if node.get("Strategy") not in (None, "Plain") else "")
        if node.get("Relation Name"):
            name += f" on {node['Relation Name']}"
        if node.get("Workers Planned"):
            name += f", {node['Workers Planned']} workers"
        if depth <= 1 or node["Node Type"] in (
            "Aggregate",
            "Seq Scan",
            "Index Scan",
            "Index Only Scan",
            "Sort",
            "Hash Join",
            "Merge Join",
            "Nested Loop",
            "Unique",
        ):
            found.append(name)
        for child in node.get("Plans", []):
            walk(child, depth + 1)

    walk(plan)
    top = plan["Plans"][0] if plan.get("Plans") else plan
    return f"top: {plan['Node Type']} ← {top['Node Type']}; nodes: " + ", ".join(dict.fromkeys(found))


def backend_cpu(connection) -> float | None:
    """CPU seconds the database server process of ``connection`` has used (user + system), read from
    /proc: the benchmark's database is local. None where it cannot be read (another host, no /proc).

    On a machine shared with other work, wall-clock time measures the queue for the cores as much as
    the statement; the server process's CPU time measures the statement's own work."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_spent(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def _setup():
    import django

    django.setup()


def _screen_child(full, queue):
    # The worker's own peak: ru_maxrss of this process. Children come from a forkserver started
    # before anything was generated, so the high-water mark they inherit is that small server's,
    # not the parent's (Linux keeps ru_maxrss across fork and exec).
    import resource

    _setup()
    from django.db import connection

    from monitoring.screening import screen

    cpu_before = backend_cpu(connection)
    started = time.perf_counter()
    run = screen(full=full, as_of=AS_OF)
    elapsed = time.perf_counter() - started
    cpu = _cpu_spent(cpu_before, backend_cpu(connection))
    connection.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    queue.put((elapsed, run.alerts_raised, run.mode, peak_kb / 1024, cpu))


CONTEXT = multiprocessing.get_context("forkserver")


def screen_in_child(full: bool):
    queue = CONTEXT.Queue()
    process = CONTEXT.Process(target=_screen_child, args=(full, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def timed(sql: str) -> tuple[float, int, float | None]:
    """Wall-clock seconds, rows and database CPU seconds of one statement."""
    from django.db import connection

    cpu_before = backend_cpu(connection)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        count = cursor.rowcount
    return time.perf_counter() - started, count, _cpu_spent(cpu_before, backend_cpu(connection))


def bench(n: int) -> dict:
    from django.db import connection

    from bench.screening.generate import generate, reset
    from monitoring.models import Thresholds

    reset()
    Thresholds.objects.update_or_create(year=2026, defaults={"income_line": 8800})
    started = time.perf_counter()
    generate(n, as_of=AS_OF, progress=lambda text: print(text, flush=True))
    generated = time.perf_counter() - started
    print(f"  generated {n:,} households × 12 months in {generated:.1f} s", flush=True)
    from monitoring.screening import WORK_MEM

    def statement_settings():
        with connection.cursor() as cursor:
            # The settings screening gives each of its statements (monitoring.screening._insert).
            cursor.execute(f"SET work_mem = '{WORK_MEM}'")
            cursor.execute("SET jit = off")

    statement_settings()
    floor_plan = plan_of(FLOOR)
    # A fresh database session for the floor, as each screening below gets one (its own process): a
    # session's first statements load the catalog entries of every table and index they touch,
    # which the EXPLAIN above would otherwise have done for the floor alone.
    connection.close()
    statement_settings()
    floor_s, floor_alerts, floor_cpu = timed(FLOOR)
    timed("DELETE FROM monitoring_alert")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE monitoring_alert")
    full_s, full_alerts, _mode, full_mb, full_cpu = screen_in_child(True)
    # 1 % of households get a corrected latest month.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE monitoring_ledgerentry SET wage_income = wage_income * 0.5, updated_at = now() "
            "WHERE household_id % 100 = 7 AND month_index = (SELECT MAX(month_index) FROM monitoring_ledgerentry)"
        )
        changed = cursor.rowcount
    inc_s, inc_alerts, inc_mode, inc_mb, inc_cpu = screen_in_child(False)
    again_s, again_alerts, _m, again_mb, again_cpu = screen_in_child(True)
    return {
        "n": n, "generated": generated, "floor": floor_s, "floor_alerts": floor_alerts, "full": full_s, "full_alerts": full_alerts,
        "changed": changed, "incremental": inc_s, "inc_alerts": inc_alerts, "inc_mode": inc_mode,
        "again": again_s, "again_alerts": again_alerts, "peak_mb": max(full_mb, inc_mb, again_mb),
        "floor_plan": floor_plan, "floor_per_million": floor_s * 1_000_000 / n,
        "floor_cpu": floor_cpu, "full_cpu": full_cpu, "inc_cpu": inc_cpu, "again_cpu": again_cpu,
        "load": os.getloadavg()[0],
    }  # fmt: skip


def _ratio(a: float | None, b: float | None) -> str:
    return "–" if a is None or not b else f"{a / b:.2f}×"


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def verdicts(results: list[dict]) -> list[tuple[str, str, str, bool]]:
    """(check, figure, target, passed): against the floor at every size, the rest at the largest, and
    the linearity against the smallest. Times are wall-clock; the database CPU rows are the same
    ratios in the server's CPU seconds, which the other work on a shared machine moves less."""
    rows = []
    for r in results:
        rows.append((f"full screening / floor, {r['n']:,} households", f"{r['full'] / r['floor']:.2f}×", "≤ 1.5×",
                     r["full"] <= 1.5 * r["floor"]))  # fmt: skip
        if r["full_cpu"] is not None and r["floor_cpu"]:
            rows.append((f"the same in database CPU, {r['n']:,}", _ratio(r["full_cpu"], r["floor_cpu"]), "≤ 1.5×",
                         r["full_cpu"] <= 1.5 * r["floor_cpu"]))  # fmt: skip
        rows.append((f"same alerts as the floor, {r['n']:,}", f"{r['full_alerts']:,} / {r['floor_alerts']:,}", "equal",
                     r["full_alerts"] == r["floor_alerts"]))  # fmt: skip
    for r in results:
        rows.append((f"incremental / full, {r['n']:,} households", f"{100 * r['incremental'] / r['full']:.1f} %", "≤ 5 %",
                     r["incremental"] <= 0.05 * r["full"]))  # fmt: skip
    r = results[-1]
    rows += [
        ("second full run adds", ", ".join(f"{x['again_alerts']:,}" for x in results) + " alerts", "0",
         all(x["again_alerts"] == 0 for x in results)),
        ("peak worker memory", f"{max(x['peak_mb'] for x in results):.0f} MB", "≤ 500 MB",
         all(x["peak_mb"] <= 500 for x in results)),
    ]  # fmt: skip
    if len(results) > 1:
        small = results[0]
        scale = r["n"] / small["n"]
        ratio = r["full"] / small["full"]
        rows.append((f"{small['n']:,} → {r['n']:,} households", f"{ratio:.1f}× the time", f"≤ {1.2 * scale:.0f}×",
                     ratio <= 1.2 * scale))  # fmt: skip
    return rows


def write_results(path: str, results: list[dict], machine: str) -> None:
    """The figures of this run as Markdown (bench/screening/RESULTS.md)."""
    lines = [
        "# Screening benchmark: results",
        "",
        f"Run {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on {machine}, with",
        "`python -m bench.screening.run --sizes " + ",".join(str(r["n"]) for r in results) + " --results …`.",
        "Times are wall-clock seconds of one run each (load average at the end of each size in the last",
        "column: other engineers' tests ran on the same two cores); in brackets the CPU seconds of the",
        "database server process that ran the statements, which the other work moves less.",
        "",
        "| households | generate (COPY) | floor | floor per million | full | alerts | incremental (1 % changed) | second full | peak worker RSS | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['generated']:.1f} s | {r['floor']:.2f} s ({_seconds(r['floor_cpu'])}) | "
            f"{r['floor_per_million']:.1f} s | {r['full']:.2f} s ({_seconds(r['full_cpu'])}) | {r['full_alerts']:,} | "
            f"{r['incremental']:.2f} s ({_seconds(r['inc_cpu'])}; {r['changed']:,} ledger rows, {r['inc_alerts']:,} alerts) | "
            f"{r['again']:.2f} s ({_seconds(r['again_cpu'])}; {r['again_alerts']:,} alerts) | {r['peak_mb']:.0f} MB | "
            f"{r['load']:.1f} |"
        )
    lines += ["", "Floor plans (EXPLAIN, before the run):", ""]
    lines += [f"- {r['n']:,}: {r['floor_plan']}" for r in results]
    lines += ["", "| check | figure | target | result |", "|---|---|---|---|"]
    for check, figure, target, passed in verdicts(results):
        lines.append(f"| {check} | {figure} | {target} | {'pass' if passed else 'FAIL'} |")
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def machine_description() -> str:
    import platform

    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return (
        f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GB RAM, Python "
        f"{platform.python_version()}, PostgreSQL {version} (default settings, local)"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000", help="household counts, comma-separated")
    parser.add_argument(
        "--results", help="write the figures as Markdown to this file (e.g. bench/screening/RESULTS.md)"
    )
    args = parser.parse_args(argv)
    # Start the forkserver while this process is still small (see _screen_child).
    multiprocessing.forkserver.ensure_running()
    _setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("The benchmark needs PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        print(f"{n:,} households:", flush=True)
        r = bench(n)
        results.append(r)
        print(f"  floor (one hand-written statement): {r['floor']:.2f} s ({_seconds(r['floor_cpu'])} database CPU), "
              f"{r['floor_alerts']:,} alerts, {r['floor_per_million']:.1f} s per million households")  # fmt: skip
        print(f"  floor plan: {r['floor_plan']}")
        print(f"  full screening:                      {r['full']:.2f} s ({_seconds(r['full_cpu'])} database CPU), "
              f"{r['full_alerts']:,} alerts = {r['full'] / r['floor']:.2f}× the floor "
              f"({_ratio(r['full_cpu'], r['floor_cpu'])} in CPU; target ≤ 1.5×)")  # fmt: skip
        print(f"  incremental after {r['changed']:,} households changed ({r['inc_mode']}): {r['incremental']:.2f} s, "
              f"{r['inc_alerts']:,} alerts = {100 * r['incremental'] / r['full']:.1f} % of full (target ≤ 5 %)")  # fmt: skip
        print(f"  second full run:                     {r['again']:.2f} s, {r['again_alerts']:,} alerts (must be 0)")
        print(f"  peak worker memory:                  {r['peak_mb']:.0f} MB (target ≤ 500 MB)", flush=True)
    print("checks:")
    for check, figure, target, passed in verdicts(results):
        print(f"  {check}: {figure} (target {target}) {'pass' if passed else 'FAIL'}")
    if args.results:
        write_results(args.results, results, machine_description())
        print(f"written to {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
