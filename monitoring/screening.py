"""Periodic risk screening: the rules, as set-based SQL over the ledgers and household data.

Each rule is one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` into the alert table. The unique
constraint (household, rule, period) makes a run idempotent: running twice, or again after a
worker died half-way, adds nothing that is already there. A run is incremental by default: it
screens only the households whose ledger or members changed since the last finished run (plus the
visits that fell due since), and falls back to a full run when the thresholds in force changed.

The rules (thresholds from the year's :class:`~monitoring.models.Thresholds`):
- income_low: over the 12 months ending at the household's latest ledger month, income per person
  (annualised over the months recorded) is below the income line × the warning multiplier;
- income_drop: the latest month's income is more than the set percentage below the average of the
  preceding months compared;
- medical_expense / schooling_expense: the 12 months' spending reaches the threshold;
- zero_employment: a member is able and willing to work and nobody is employed (period: the month);
- visit_overdue: the household's next visit was due before today (period: the due date).
"""

# ruff: noqa: S608 - the SQL is assembled from constants of this module; every value is a parameter.

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from relocation.models import Member

from .models import Alert, ScreeningRun, Thresholds, first_of_month
from .services import thresholds_in_force

log = logging.getLogger(__name__)

INCOME = "(l.wage_income + l.business_income + l.property_income + l.transfer_income)"
ALERT_COLUMNS = "household_id, rule, period, evidence, status, source, created_at, resolution"


@dataclass
class Dialect:
    json: str  # the function building a JSON object from key, value pairs
    created_date: str  # the local date a household was registered, from h.created_at


def _dialect() -> Dialect:
    if connection.vendor == "postgresql":
        return Dialect(
            json="jsonb_build_object", created_date=f"(h.created_at AT TIME ZONE '{settings.TIME_ZONE}')::date"
        )
    # SQLite keeps UTC text; the offset is fixed for China, which has no daylight saving.
    offset = timezone.localtime().utcoffset().total_seconds() / 3600
    return Dialect(json="json_object", created_date=f"date(h.created_at, '{offset:+.0f} hours')")


def _insert(select_sql: str, params: dict) -> int:
    """Insert the alerts a SELECT yields (household_id, rule, period, evidence), skipping existing ones."""
    # The outer SELECT … WHERE true keeps SQLite from reading ON CONFLICT as a join condition.
    sql = (
        f"INSERT INTO monitoring_alert ({ALERT_COLUMNS}) "
        f"SELECT hid, rule, period, evidence, 'open', 'screening', %(now)s, '' FROM ({select_sql}) hits "
        "WHERE true ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "now": connection.ops.adapt_datetimefield_value(timezone.now())})
        return max(cursor.rowcount, 0)


def ledger_rules_sql(d: Dialect, *, changed_since: bool) -> str:
    """The four ledger rules as one SELECT: a single pass over each household's last 12 months."""
    restrict = "WHERE household_id IN (SELECT household_id FROM monitoring_ledgerentry WHERE updated_at >= %(since)s)"
    # One pass over the ledger: the window gives each row its household's latest month. (A join
    # against a GROUP BY of the latest months read the 12 million rows once more in every parallel
    # worker: EXPLAIN ANALYZE at a million households.)
    return f"""
    WITH recent AS (
      SELECT household_id, period, month_index, household_size, wage_income, business_income, property_income,
        transfer_income, medical_expense, schooling_expense,
        MAX(month_index) OVER (PARTITION BY household_id) AS mi
      FROM monitoring_ledgerentry {restrict if changed_since else ""}
    ), agg AS (
      SELECT l.household_id AS hid, MAX(l.period) AS period, COUNT(*) AS n,
        SUM({INCOME}) AS income,
        MAX(CASE WHEN l.month_index = l.mi THEN l.household_size END) AS size,
        SUM(CASE WHEN l.month_index = l.mi THEN {INCOME} END) AS last_income,
        SUM(CASE WHEN l.month_index >= l.mi - %(base)s AND l.month_index < l.mi THEN {INCOME} END) AS base_income,
        COUNT(CASE WHEN l.month_index >= l.mi - %(base)s AND l.month_index < l.mi THEN 1 END) AS base_n,
        SUM(l.medical_expense) AS medical, SUM(l.schooling_expense) AS schooling
      FROM recent l WHERE l.month_index > l.mi - 12
      GROUP BY l.household_id
    )
    SELECT hid, 'income_low' AS rule, period, {d.json}(
        'per_capita_income', ROUND(income * 12.0 / n / size, 2), 'warning_line', %(warning_line)s,
        'income_line', %(income_line)s, 'months', n, 'household_size', size, 'year', %(year)s) AS evidence
      FROM agg WHERE income * 12.0 / n / size < %(warning_line)s
    UNION ALL
    SELECT hid, 'income_drop', period, {d.json}(
        'month_income', ROUND(last_income, 2), 'previous_average', ROUND(base_income / base_n, 2),
        'drop_percent', ROUND(100 - last_income * 100.0 / (base_income / base_n), 1), 'threshold_percent', %(drop)s,
        'months_compared', base_n, 'year', %(year)s)
      FROM agg WHERE base_n > 0 AND base_income > 0 AND last_income < base_income / base_n * (100 - %(drop)s) / 100.0
    UNION ALL
    SELECT hid, 'medical_expense', period, {d.json}(
        'medical_expense', ROUND(medical, 2), 'threshold', %(medical)s, 'months', n, 'year', %(year)s)
      FROM agg WHERE medical >= %(medical)s
    UNION ALL
    SELECT hid, 'schooling_expense', period, {d.json}(
        'schooling_expense', ROUND(schooling, 2), 'threshold', %(schooling)s, 'months', n, 'year', %(year)s)
      FROM agg WHERE schooling >= %(schooling)s
    """


def zero_employment_sql(d: Dialect, *, changed_since: bool) -> str:
    employed = ", ".join(f"'{v}'" for v in Member.EMPLOYED)
    restrict = "WHERE m.household_id IN (SELECT household_id FROM relocation_member WHERE updated_at >= %(since)s)"
    return f"""
    SELECT m.household_id AS hid, 'zero_employment' AS rule, %(month)s AS period, {d.json}(
        'able_and_willing', SUM(CASE WHEN m.labour_capacity <> 'none' AND m.willing_to_work THEN 1 ELSE 0 END),
        'employed', 0, 'members', COUNT(*)) AS evidence
    FROM relocation_member m {restrict if changed_since else ""}
    GROUP BY m.household_id
    HAVING SUM(CASE WHEN m.labour_capacity <> 'none' AND m.willing_to_work THEN 1 ELSE 0 END) > 0
       AND SUM(CASE WHEN m.employment IN ({employed}) THEN 1 ELSE 0 END) = 0
    """


def visit_overdue_sql(d: Dialect, *, changed_since: bool) -> str:
    # Incremental: only households whose due date passed since the last run, or that were visited or
    # registered since; the others' overdue alerts (one per due date) already exist.
    changed = """WITH changed AS (
      SELECT household_id AS hid FROM monitoring_visit
        WHERE next_visit_on >= %(since_day)s AND next_visit_on < %(as_of)s
      UNION SELECT household_id FROM monitoring_visit WHERE created_at >= %(since)s
      UNION SELECT id FROM relocation_household WHERE created_at >= %(since)s
    )"""
    only = "AND {} IN (SELECT hid FROM changed)" if changed_since else "AND true"
    # The latest visit of every household in one sorted pass (a correlated LIMIT 1 subquery ran
    # twice per household: two million index probes at a million households).
    return f"""
    {changed if changed_since else ""}
    SELECT hid, 'visit_overdue' AS rule, due AS period, {d.json}(
        'due', due, 'last_visit', last_visit, 'as_of', %(as_of)s) AS evidence
    FROM (
      SELECT h.id AS hid, COALESCE(v.next_visit_on, {d.created_date}) AS due, v.visited_on AS last_visit
      FROM relocation_household h
      LEFT JOIN (
        SELECT household_id, visited_on, next_visit_on,
          ROW_NUMBER() OVER (PARTITION BY household_id ORDER BY visited_on DESC, id DESC) AS nth
        FROM monitoring_visit WHERE true {only.format("household_id")}
      ) v ON v.household_id = h.id AND v.nth = 1
      WHERE true {only.format("h.id")}
    ) dues
    WHERE due < %(as_of)s
    """


def params_for(thresholds: Thresholds, as_of: datetime.date, since: datetime.datetime | None, since_day) -> dict:
    params = {
        "warning_line": thresholds.warning_line,
        "income_line": thresholds.income_line,
        "drop": thresholds.income_drop_percent,
        "base": thresholds.drop_baseline_months,
        "medical": thresholds.medical_expense_threshold,
        "schooling": thresholds.schooling_expense_threshold,
        "year": thresholds.year,
        "month": first_of_month(as_of),
        "as_of": as_of,
        "since": since,
        "since_day": since_day,
    }
    ops = connection.ops
    if connection.vendor == "sqlite":
        # SQLite compares a number with text as text: pass amounts as numbers, dates as Django stores them.
        params.update({k: float(params[k]) for k in ("warning_line", "income_line", "medical", "schooling")})
    params["since"] = ops.adapt_datetimefield_value(since) if since else None
    return params


def screen(*, full: bool = False, as_of: datetime.date | None = None) -> ScreeningRun:
    """Run every rule; incremental unless ``full`` or the thresholds changed since the last finished run."""
    as_of = as_of or timezone.localdate()
    thresholds = thresholds_in_force(as_of)
    previous = ScreeningRun.objects.filter(status=ScreeningRun.Status.FINISHED).order_by("-started_at").first()
    incremental = (
        not full
        and previous is not None
        and previous.thresholds_id == thresholds.pk
        and previous.thresholds_version == thresholds.updated_at
        and previous.as_of <= as_of
    )
    run = ScreeningRun.objects.create(
        mode=ScreeningRun.Mode.INCREMENTAL if incremental else ScreeningRun.Mode.FULL,
        as_of=as_of,
        since=previous.started_at if incremental else None,
        thresholds=thresholds,
        thresholds_version=thresholds.updated_at,
    )
    d = _dialect()
    params = params_for(thresholds, as_of, run.since, previous.as_of if incremental else None)
    # A new month opens a new period for the zero-employment rule: every household is screened again.
    same_month = incremental and first_of_month(previous.as_of) == first_of_month(as_of)
    raised = 0
    try:
        raised += _insert(ledger_rules_sql(d, changed_since=incremental), params)
        raised += _insert(zero_employment_sql(d, changed_since=same_month), params)
        raised += _insert(visit_overdue_sql(d, changed_since=incremental), params)
    except Exception as exc:
        ScreeningRun.objects.filter(pk=run.pk).update(
            status=ScreeningRun.Status.FAILED, error=repr(exc)[:2000], finished_at=timezone.now()
        )
        raise
    run.status = ScreeningRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.alerts_raised = raised
    run.save(update_fields=["status", "finished_at", "alerts_raised"])
    log.info("screening %s as of %s: %s alerts raised", run.mode, as_of, raised)
    if raised:
        # Staff hear of new alerts now rather than in tomorrow's digest; after the commit, so that
        # the notification never points at alerts that a rollback took away.
        transaction.on_commit(lambda: _notify(run.pk))
        # Alerts are written by INSERT … SELECT, which sends no model signals: tell the dashboards.
        from dashboards.cache import bump

        transaction.on_commit(bump)
    return run


def _notify(run_pk: int) -> None:
    from .digest import screening_run_notify

    try:
        screening_run_notify(run_pk=run_pk)
    except Exception:  # the alerts are in the queue and in the digest; a failed notice must not fail the run
        log.exception("notifying staff of screening run %s failed", run_pk)


def screened_alerts():
    """Alerts raised by screening (the rules above), for tests and the run page."""
    return Alert.objects.filter(source="screening")
