"""Periodic risk screening: the rules, as set-based SQL over the ledgers and household data.

Each rule is one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` into the alert table. The unique
constraint (household, rule, period) makes a run idempotent: running twice, or again after a
worker died half-way, adds nothing that is already there. A run is incremental by default: it
screens only the households whose ledger, annual income accounting or members changed since the
last finished run, and falls back to a full run when the thresholds in force changed or a month began.

Income is net income (纯收入, ``monitoring/income.py``). The rules (thresholds from the year's
:class:`~monitoring.models.Thresholds`):
- income_low: per-capita net income is below the income line × the warning multiplier. The income is
  the household's annual income accounting of last year or this year where the thresholds say so,
  else its ledger over the twelve completed months before the run's month, annualised over the
  months recorded — and only with at least ``min_ledger_months`` of them: with fewer, the income is
  not known (no alert);
- income_drop: the net income of the last completed month is more than the set percentage below the
  average of the months compared before it;
- medical_expense / schooling_expense: the 12 months' spending reaches the threshold;
- zero_employment: a member is able and willing to work and nobody is employed (period: the month);
- out_of_school / uninsured / unsafe_housing / unsafe_water: the household's latest 两不愁三保障
  assessment finds a school-age member out of school, a member without basic medical insurance for
  the current year, a house graded C or D, or drinking water not safe (period: the assessment's date;
  not raised again while an alert of the rule is open).

Every rule's hits pass two filters before they become alerts (:func:`_insert`), so that a cadre's
queue holds what needs a decision:
- covered: a household with an open monitoring case gets no alert of a kind its case already covers
  (the rules of the alerts joined to the case, and its risk types: see ``COVERS``);
- quiet: the latest alert of the same rule on the household was dismissed within ``quiet_days``, and
  the figure (``Alert.measure``) is not worse than the dismissed alert's by ``quiet_margin_percent``.

Overdue visits are not alerts: they are the work list of visits due (``selectors.visits_overdue_for``).
Other rules are added as functions returning a SELECT of (hid, rule, period, evidence, measure) and
listed in :func:`rules`.
"""

# ruff: noqa: S608 - the SQL is assembled from constants of this module; every value is a parameter.

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from relocation.models import Member

from . import income
from .models import Alert, MonitoringCase, RiskType, ScreeningRun, Thresholds, first_of_month, month_index
from .runs import run_heartbeat, run_start_bookkeeping, runs_take_over, statement_limit
from .services import thresholds_in_force

log = logging.getLogger(__name__)

WORK_MEM = "256MB"  # PostgreSQL memory for each rule statement's grouping (see _insert)
ALERT_COLUMNS = "household_id, rule, period, evidence, measure, status, source, created_at, resolution"

# Kinds of risk: rules of one kind are covered together by an open case (a second month below the
# line and a drop are the same income risk); a rule not listed is its own kind.
KINDS = {"income_low": "income", "income_drop": "income"}
# The risk types of a case that cover a kind of screening alert.
COVERS = {
    "zero_employment": (RiskType.UNSTABLE_EMPLOYMENT, RiskType.LACK_OF_LABOUR),
    "medical_expense": (RiskType.ILLNESS,),
    "schooling_expense": (RiskType.SCHOOLING,),
    "out_of_school": (RiskType.SCHOOLING,),
    "uninsured": (RiskType.ILLNESS,),
    "unsafe_housing": (RiskType.HOUSING_SAFETY,),
    "unsafe_water": (RiskType.DRINKING_WATER,),
}
# Rules whose figure is worse when lower (per-capita income); the others are worse when higher.
LOWER_IS_WORSE = ("income_low",)


@dataclass
class Dialect:
    json: str  # the function building a JSON object from key, value pairs
    created_date: str  # the local date a household was registered, from h.created_at
    vendor: str = "sqlite"
    # Keeps PostgreSQL from pulling a subquery up into its parent (so that its columns are computed
    # once per row, not once per use); SQLite has no need of it (and no OFFSET without LIMIT).
    fence: str = ""

    def has_risk(self, column: str, risk: str) -> str:
        """Whether the JSON list ``column`` holds ``risk`` (a constant of this module)."""
        if self.vendor == "postgresql":
            return f"{column} @> '[\"{risk}\"]'::jsonb"
        return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = '{risk}')"


def _dialect() -> Dialect:
    if connection.vendor == "postgresql":
        return Dialect(
            json="jsonb_build_object",
            created_date=f"(h.created_at AT TIME ZONE '{settings.TIME_ZONE}')::date",
            vendor="postgresql",
            fence="OFFSET 0",
        )
    # SQLite keeps UTC text; the offset is fixed for China, which has no daylight saving.
    offset = timezone.localtime().utcoffset().total_seconds() / 3600
    return Dialect(json="json_object", created_date=f"date(h.created_at, '{offset:+.0f} hours')")


def _kind(column: str) -> str:
    cases = " ".join(f"WHEN '{rule}' THEN '{kind}'" for rule, kind in KINDS.items())
    return f"(CASE {column} {cases} ELSE {column} END)"


def covered_sql(d: Dialect) -> str:
    """True when an open case of the household already covers the kind of the hit's rule."""
    statuses = ", ".join(f"'{s}'" for s in MonitoringCase.OPEN_STATUSES)
    by_risk = " OR ".join(
        f"(hits.rule = '{rule}' AND ({' OR '.join(d.has_risk('c.risk_types', r) for r in risks)}))"
        for rule, risks in COVERS.items()
    )
    return f"""EXISTS (
      SELECT 1 FROM monitoring_monitoringcase c
      WHERE c.household_id = hits.hid AND c.status IN ({statuses}) AND (
        EXISTS (SELECT 1 FROM monitoring_alert ca WHERE ca.case_id = c.id AND {_kind("ca.rule")} = {_kind("hits.rule")})
        OR {by_risk}))"""


def quiet_sql() -> str:
    """True when the household's latest alert of the rule was dismissed lately and the figure is not worse."""
    lower = ", ".join(f"'{r}'" for r in LOWER_IS_WORSE)
    return f"""EXISTS (
      SELECT 1 FROM monitoring_alert q
      WHERE q.household_id = hits.hid AND q.rule = hits.rule AND q.status = 'dismissed'
        AND q.resolved_at >= %(quiet_since)s
        AND NOT EXISTS (SELECT 1 FROM monitoring_alert r
                        WHERE r.household_id = q.household_id AND r.rule = q.rule AND r.created_at > q.created_at)
        AND NOT (hits.measure IS NOT NULL AND q.measure IS NOT NULL AND CASE WHEN hits.rule IN ({lower})
          THEN hits.measure <= q.measure * (100 - %(margin)s) / 100.0
          ELSE hits.measure >= q.measure * (100 + %(margin)s) / 100.0 END))"""


def _insert(select_sql: str, params: dict, d: Dialect) -> int:
    """Insert the alerts a SELECT yields (hid, rule, period, evidence, measure), skipping existing ones,
    those an open case covers and those in a quiet period."""
    # The outer SELECT … WHERE keeps SQLite from reading ON CONFLICT as a join condition.
    sql = (
        f"INSERT INTO monitoring_alert ({ALERT_COLUMNS}) "
        f"SELECT hid, rule, period, evidence, measure, 'open', 'screening', %(now)s, '' FROM ({select_sql}) hits "
        f"WHERE NOT {covered_sql(d)} AND NOT {quiet_sql()} ON CONFLICT DO NOTHING"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The ledger rules group a million households in one hash table: give the statement the
            # memory for it rather than spilling to disk (4 MB by default), and no JIT compiling.
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, {**params, "now": connection.ops.adapt_datetimefield_value(timezone.now())})
        return max(cursor.rowcount, 0)


def ledger_rules_sql(d: Dialect, *, changed_since: bool, thresholds: Thresholds | None = None) -> str:
    """The four income and expense rules as one SELECT: one GROUP BY of the ledger over the twelve
    completed months before the run's month, and the annual accountings where the thresholds put them first."""
    net = income.sql(thresholds, "l")
    restrict = "AND l.household_id IN (SELECT household_id FROM monitoring_ledgerentry WHERE updated_at >= %(since)s)"
    # Incremental: the accountings of the households whose ledger or accounting changed (the others'
    # alerts already exist); a deleted accounting is caught by the month's first, full run.
    # One list of households (a UNION, not an OR of two lists) so that their accountings are looked up
    # by the (household, year) index instead of reading every accounting.
    annual_changed = (
        "AND household_id IN (SELECT household_id FROM monitoring_ledgerentry WHERE updated_at >= %(since)s"
        " UNION SELECT household_id FROM monitoring_annualincome WHERE updated_at >= %(since)s)"
        if changed_since
        else ""
    )
    use_annual = thresholds is None or thresholds.income_source == "annual"
    # One pass over the ledger, grouped by household: the window is fixed by the run's month
    # (portal.months), so no household's latest month has to be found first (a window function
    # sorted the 12 million rows at a million households). Each row's net income is computed once,
    # as a float (summing numeric quotients cost more than reading the table). The expenses stay
    # numeric (exact cents) but only months with some are summed (FILTER, not NULLIF: a numeric sum
    # makes its state at its first row, NULL or not): a numeric sum keeps a state of its own per
    # household, and one for each of a million households outgrew the statement's memory and
    # spilled the grouping to disk; only the households that spent get one now.
    # Per-capita income is each month's net income over that month's household size, averaged and
    # annualised.
    return f"""
    WITH ledger AS (
      SELECT l.household_id, l.period, l.month_index, l.household_size, CAST({net} AS DOUBLE PRECISION) AS net,
        l.medical_expense, l.schooling_expense
      FROM monitoring_ledgerentry l
      WHERE l.month_index > %(last)s - 12 AND l.month_index <= %(last)s {restrict if changed_since else ""}
      {d.fence}
    ), agg AS (
      SELECT household_id AS hid, MAX(period) AS period, COUNT(*) AS n,
        SUM(net / household_size) AS per_capita, MAX(household_size) AS size,
        SUM(CASE WHEN month_index = %(last)s THEN net END) AS last_income,
        SUM(CASE WHEN month_index >= %(last)s - %(base)s AND month_index < %(last)s THEN net END) AS base_income,
        COUNT(CASE WHEN month_index >= %(last)s - %(base)s AND month_index < %(last)s THEN 1 END) AS base_n,
        SUM(medical_expense) FILTER (WHERE medical_expense <> 0) AS medical,
        SUM(schooling_expense) FILTER (WHERE schooling_expense <> 0) AS schooling
      FROM ledger GROUP BY household_id
    ), annual AS (
      SELECT a.household_id AS hid, a.year, a.household_size AS size, {income.sql(thresholds, "a")} AS income,
        a.updated_at
      FROM monitoring_annualincome a
      JOIN (SELECT household_id, MAX(year) AS year FROM monitoring_annualincome
            WHERE year >= %(annual_from)s AND year <= %(annual_to)s {annual_changed} GROUP BY household_id) la
        ON la.household_id = a.household_id AND la.year = a.year
      WHERE {"true" if use_annual else "false"}
    )
    SELECT hid, 'income_low' AS rule, period, {d.json}(
        'per_capita_income', ROUND(CAST(per_capita * 12 / n AS NUMERIC), 2), 'warning_line', %(warning_line)s,
        'income_line', %(income_line)s, 'months', n, 'household_size', size, 'year', %(year)s,
        'source', 'ledger') AS evidence,
        ROUND(CAST(per_capita * 12 / n AS NUMERIC), 2) AS measure
      FROM agg WHERE n >= %(min_months)s AND per_capita * 12 / n < %(warning_line)s
        AND NOT EXISTS (SELECT 1 FROM annual WHERE annual.hid = agg.hid)
    UNION ALL
    SELECT hid, 'income_low', CASE WHEN year = %(annual_to)s THEN %(annual_to_period)s ELSE %(annual_from_period)s END,
      {d.json}(
        'per_capita_income', ROUND(income * 1.0 / size, 2), 'warning_line', %(warning_line)s,
        'income_line', %(income_line)s, 'household_size', size, 'year', %(year)s,
        'source', 'annual', 'accounting_year', year),
        ROUND(income * 1.0 / size, 2)
      FROM annual a WHERE income * 1.0 / size < %(warning_line)s
    UNION ALL
    SELECT hid, 'income_drop', period, {d.json}(
        'month_income', ROUND(CAST(last_income AS NUMERIC), 2),
        'previous_average', ROUND(CAST(base_income / base_n AS NUMERIC), 2),
        'drop_percent', ROUND(CAST(100 - last_income * 100 / (base_income / base_n) AS NUMERIC), 1),
        'threshold_percent', %(drop)s, 'months_compared', base_n, 'year', %(year)s),
        ROUND(CAST(100 - last_income * 100 / (base_income / base_n) AS NUMERIC), 1)
      FROM agg WHERE base_n > 0 AND base_income > 0 AND last_income < base_income / base_n * (100 - %(drop)s) / 100.0
    UNION ALL
    SELECT hid, 'medical_expense', period, {d.json}(
        'medical_expense', ROUND(medical, 2), 'threshold', %(medical)s, 'months', n, 'year', %(year)s),
        ROUND(medical, 2)
      FROM agg WHERE medical >= %(medical)s
    UNION ALL
    SELECT hid, 'schooling_expense', period, {d.json}(
        'schooling_expense', ROUND(schooling, 2), 'threshold', %(schooling)s, 'months', n, 'year', %(year)s),
        ROUND(schooling, 2)
      FROM agg WHERE schooling >= %(schooling)s
    """


def zero_employment_sql(d: Dialect, *, changed_since: bool, thresholds: Thresholds | None = None) -> str:
    employed = ", ".join(f"'{v}'" for v in Member.EMPLOYED)
    restrict = "WHERE m.household_id IN (SELECT household_id FROM relocation_member WHERE updated_at >= %(since)s)"
    return f"""
    SELECT m.household_id AS hid, 'zero_employment' AS rule, %(month)s AS period, {d.json}(
        'able_and_willing', SUM(CASE WHEN m.labour_capacity <> 'none' AND m.willing_to_work THEN 1 ELSE 0 END),
        'employed', 0, 'members', COUNT(*)) AS evidence, CAST(NULL AS DECIMAL) AS measure
    FROM relocation_member m {restrict if changed_since else ""}
    GROUP BY m.household_id
    HAVING SUM(CASE WHEN m.labour_capacity <> 'none' AND m.willing_to_work THEN 1 ELSE 0 END) > 0
       AND SUM(CASE WHEN m.employment IN ({employed}) THEN 1 ELSE 0 END) = 0
    """


def assessment_rules_sql(d: Dialect, *, changed_since: bool, thresholds: Thresholds | None = None) -> str:
    """The four 两不愁三保障 and drinking-water rules, on each household's latest assessment: a school-age
    member out of school, a member without basic medical insurance this year, a house graded C or D,
    water not safe. Period: the assessment's date. Not raised again while an alert of the rule is open."""
    restrict = "AND a.household_id IN (SELECT household_id FROM monitoring_assessment WHERE created_at >= %(since)s)"

    def still_open(rule: str) -> str:
        return (
            "NOT EXISTS (SELECT 1 FROM monitoring_alert o WHERE o.household_id = l.household_id "
            f"AND o.rule = '{rule}' AND o.status = 'open')"
        )

    return f"""
    WITH latest AS (
      SELECT a.id, a.household_id, a.assessed_on, a.housing, a.water_quantity_ok, a.water_quality_ok,
        a.water_convenient, a.water_guaranteed
      FROM monitoring_assessment a
      WHERE NOT EXISTS (SELECT 1 FROM monitoring_assessment b WHERE b.household_id = a.household_id
                        AND (b.assessed_on > a.assessed_on OR (b.assessed_on = a.assessed_on AND b.id > a.id)))
        {restrict if changed_since else ""}
    ), people AS (
      SELECT m.assessment_id,
        SUM(CASE WHEN m.schooling = 'dropped_out' THEN 1 ELSE 0 END) AS out_of_school,
        SUM(CASE WHEN NOT m.insured OR COALESCE(m.insurance_year, 0) < %(as_of_year)s THEN 1 ELSE 0 END) AS uninsured
      FROM monitoring_assessmentmember m JOIN latest l ON l.id = m.assessment_id
      GROUP BY m.assessment_id
    )
    SELECT l.household_id AS hid, 'out_of_school' AS rule, l.assessed_on AS period, {d.json}(
        'members_out_of_school', p.out_of_school, 'assessed_on', l.assessed_on) AS evidence,
        CAST(NULL AS DECIMAL) AS measure
      FROM latest l JOIN people p ON p.assessment_id = l.id
      WHERE p.out_of_school > 0 AND {still_open("out_of_school")}
    UNION ALL
    SELECT l.household_id, 'uninsured', l.assessed_on, {d.json}(
        'members_uninsured', p.uninsured, 'insurance_year', %(as_of_year)s, 'assessed_on', l.assessed_on),
        CAST(NULL AS DECIMAL)
      FROM latest l JOIN people p ON p.assessment_id = l.id
      WHERE p.uninsured > 0 AND {still_open("uninsured")}
    UNION ALL
    SELECT l.household_id, 'unsafe_housing', l.assessed_on, {d.json}(
        'housing_grade', l.housing, 'assessed_on', l.assessed_on), CAST(NULL AS DECIMAL)
      FROM latest l WHERE l.housing IN ('C', 'D') AND {still_open("unsafe_housing")}
    UNION ALL
    SELECT l.household_id, 'unsafe_water', l.assessed_on, {d.json}(
        'water_quantity_ok', l.water_quantity_ok, 'water_quality_ok', l.water_quality_ok,
        'water_convenient', l.water_convenient, 'water_guaranteed', l.water_guaranteed,
        'assessed_on', l.assessed_on), CAST(NULL AS DECIMAL)
      FROM latest l
      WHERE NOT (l.water_quantity_ok AND l.water_quality_ok AND l.water_convenient AND l.water_guaranteed)
        AND {still_open("unsafe_water")}
    """


def rules() -> list:
    """The rule statements of a run, in order. Each: (dialect, changed_since=, thresholds=) -> a SELECT
    of (hid, rule, period, evidence, measure); add a rule by writing such a function and listing it here."""
    return [ledger_rules_sql, zero_employment_sql, assessment_rules_sql]


def params_for(thresholds: Thresholds, as_of: datetime.date, since: datetime.datetime | None, since_day) -> dict:
    params = {
        "warning_line": thresholds.warning_line,
        "income_line": thresholds.income_line,
        "drop": thresholds.income_drop_percent,
        "base": thresholds.drop_baseline_months,
        "medical": thresholds.medical_expense_threshold,
        "schooling": thresholds.schooling_expense_threshold,
        "year": thresholds.year,
        "min_months": thresholds.min_ledger_months,
        "annual_from": income.annual_years(as_of)[0],
        "annual_to": income.annual_years(as_of)[1],
        "annual_from_period": datetime.date(income.annual_years(as_of)[0], 12, 1),
        "annual_to_period": datetime.date(income.annual_years(as_of)[1], 12, 1),
        "margin": thresholds.quiet_margin_percent,
        "quiet_since": timezone.now() - datetime.timedelta(days=thresholds.quiet_days),
        "month": first_of_month(as_of),
        # The last completed month: the ledger rules read the twelve months ending with it.
        "last": month_index(as_of) - 1,
        "as_of": as_of,
        "as_of_year": as_of.year,
        "since": since,
        "since_day": since_day,
    }
    ops = connection.ops
    if connection.vendor == "sqlite":
        # SQLite compares a number with text as text: pass amounts as numbers, dates as Django stores them.
        params.update({k: float(params[k]) for k in ("warning_line", "income_line", "medical", "schooling")})
    params["since"] = ops.adapt_datetimefield_value(since) if since else None
    params["quiet_since"] = ops.adapt_datetimefield_value(params["quiet_since"])
    for key in ("month", "annual_from_period", "annual_to_period"):
        params[key] = ops.adapt_datefield_value(params[key])
    return params


def screen(*, full: bool = False, as_of: datetime.date | None = None) -> ScreeningRun:
    """Run every rule; incremental unless ``full`` or the thresholds changed since the last finished run."""
    as_of = as_of or timezone.localdate()
    # A run whose worker died is marked interrupted and its statement ended; this run takes over.
    runs_take_over()
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
        **run_start_bookkeeping(),
    )
    d = _dialect()
    params = params_for(thresholds, as_of, run.since, previous.as_of if incremental else None)
    # A new month opens a new period for the zero-employment rule and moves the annual accounting
    # and quiet periods on: every household is screened again.
    same_month = incremental and first_of_month(previous.as_of) == first_of_month(as_of)
    raised = 0
    try:
        with run_heartbeat(run.pk), statement_limit():
            for rule_sql in rules():
                raised += _insert(rule_sql(d, changed_since=same_month, thresholds=thresholds), params, d)
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
    # Staff hear of new alerts now rather than in tomorrow's digest: of every alert nobody was told of
    # yet, this run's and those an interrupted run left; after the commit, so that the notification
    # never points at alerts that a rollback took away.
    transaction.on_commit(lambda: _notify(run.pk))
    if raised:
        # Alerts are written by INSERT … SELECT, which sends no model signals: tell the dashboards.
        from dashboards.cache import bump

        transaction.on_commit(bump)
    return run


def _notify(run_pk: int) -> None:
    from .digest import screening_alerts_notify

    try:
        screening_alerts_notify(run=ScreeningRun.objects.get(pk=run_pk))
    except Exception:  # the alerts are in the queue and in the digest; a failed notice must not fail the run
        log.exception("notifying staff of screening run %s failed", run_pk)


def screened_alerts():
    """Alerts raised by screening (the rules above), for tests and the run page."""
    return Alert.objects.filter(source="screening")
