"""The preconditions of risk elimination (风险消除), checked at the proposal and again at the district
confirmation. Each unmet one is listed in words a township cadre reads; none is skipped because
another failed.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.months import first_of_month, month_index
from relocation.models import Member

from . import income
from .models import Alert, Assessment, LedgerEntry, MonitoringCase, RiskType, Thresholds


def elimination_line(thresholds: Thresholds) -> tuple[Decimal, str]:
    """The line income must stay above, and its name: the year's line, or the warning line if so set."""
    if thresholds.elimination_line == "warning":
        return thresholds.warning_line, _("the warning line")
    return thresholds.income_line, _("the monitoring income line")


def current_assessment(household, on: datetime.date, thresholds: Thresholds) -> Assessment | None:
    """The latest 两不愁三保障 assessment no older than the observation period."""
    since = on - datetime.timedelta(days=31 * thresholds.observation_months)
    return (
        Assessment.objects.filter(household=household, assessed_on__lte=on, assessed_on__gte=since)
        .prefetch_related("members__member")
        .order_by("-assessed_on", "-pk")
        .first()
    )


def assessment_failures(assessment: Assessment, year: int) -> list[str]:
    """What the assessment says is not secured (两不愁三保障 and drinking water)."""
    out = []
    if not assessment.food_clothing_secured:
        out.append(_("food and clothing are not secured"))
    for row in assessment.members.all():
        if row.schooling not in row.SECURED_SCHOOLING:
            out.append(_("%(name)s is out of school") % {"name": row.member.name})
        if not row.insured or (row.insurance_year or 0) < year:
            out.append(
                _("%(name)s has no basic medical insurance for %(year)s") % {"name": row.member.name, "year": year}
            )
    if not assessment.housing_safe:
        out.append(_("the house is not safe (%(h)s)") % {"h": assessment.get_housing_display()})
    if not assessment.water_safe:
        out.append(_("drinking water is not safe"))
    return out


@dataclass
class OpenMeasures:
    stopping: list  # open measures that must end before elimination
    continuing: list  # open measures of a kind that continues after it


def open_measures(case: MonitoringCase, thresholds: Thresholds) -> OpenMeasures:
    from assistance.models import Measure

    continuing_types = set(thresholds.continuing_measure_types or [])
    measures = list(
        Measure.objects.filter(
            household=case.household, status__in=[Measure.Status.PLANNED, Measure.Status.IN_PROGRESS]
        ).order_by("start_date", "pk")
    )
    return OpenMeasures(
        stopping=[m for m in measures if m.measure_type not in continuing_types],
        continuing=[m for m in measures if m.measure_type in continuing_types],
    )


def unmet_preconditions(case: MonitoringCase, on: datetime.date | None = None) -> list[str]:
    """Every reason the case's risk may not be eliminated on ``on``; empty when it may."""
    from .services import NoThresholds, thresholds_in_force

    on = on or timezone.localdate()
    if case.status not in (MonitoringCase.Status.APPROVED, MonitoringCase.Status.LONG_TERM):
        return [_("The case must be confirmed before its risk can be eliminated.")]
    try:
        thresholds = thresholds_in_force(on)
    except NoThresholds as exc:
        return exc.messages
    household = case.household
    reasons: list[str] = []

    # A household with no labour capacity living on the safety net stays under long-term tracking.
    members = list(Member.objects.filter(household=household))
    safety_net = household.minimum_living_allowance or household.extreme_poverty_support
    if members and all(m.labour_capacity == Member.Labour.NONE for m in members) and safety_net:
        reasons.append(
            _(
                "Nobody in the household can work and it lives on the minimum living allowance or extreme-poverty "
                "support: it stays under long-term tracking and is never eliminated."
            )
        )

    # The observation period since identification has passed.
    months = thresholds.observation_months
    last_index = month_index(first_of_month(first_of_month(on) - datetime.timedelta(days=1)))
    first_index = last_index - months + 1
    if month_index(first_of_month(case.identified_at)) >= first_index:
        reasons.append(
            _("The observation period of %(n)s months since identification (%(d)s) has not yet passed.")
            % {"n": months, "d": case.identified_at.isoformat()}
        )

    # Income per person above the year's line: the income screening counts (monitoring/income.py).
    reasons += _income_reasons(case, thresholds, on)

    # 两不愁三保障 and drinking water secured in a current assessment.
    assessment = current_assessment(household, on, thresholds)
    if assessment is None:
        reasons.append(
            _("No 两不愁三保障 and drinking-water assessment in the last %(n)s months: record one first.")
            % {"n": months}
        )
    else:
        failures = assessment_failures(assessment, on.year)
        if failures:
            reasons.append(
                _("The assessment of %(d)s finds: %(what)s.")
                % {"d": assessment.assessed_on.isoformat(), "what": "；".join(failures)}
            )

    # The identified risk itself is gone, not only the income.
    reasons += _risks_not_resolved(case, assessment, thresholds, on)

    # No open measure that must end first.
    measures = open_measures(case, thresholds)
    if measures.stopping:
        reasons.append(
            _("Measures still open that do not continue after elimination: %(list)s.")
            % {"list": "、".join(f"{m.get_measure_type_display()}（{m.description}）" for m in measures.stopping)}
        )

    open_alerts = Alert.objects.filter(household=household, status=Alert.Status.OPEN).count()
    if open_alerts:
        reasons.append(_("The household has %(n)s alert(s) still awaiting verification.") % {"n": open_alerts})
    return reasons


def _income_reasons(case: MonitoringCase, thresholds: Thresholds, on: datetime.date) -> list[str]:
    """The income precondition: the income screening counts, known and above the line that applies.

    What describes the household before the case was identified does not count: an annual accounting
    of an earlier year, the ledger months up to the month of identification."""
    known = income.household_income(case.household, on, thresholds, after=case.identified_at)
    if known.per_capita is None:
        return [
            _(
                "The income is not known: the ledger has %(have)s months since identification within the last "
                "12 (at least %(need)s are needed) and there is no annual income accounting of %(year)s or later. "
                "Record the ledger or the annual accounting first."
            )
            % {"have": known.months, "need": thresholds.min_ledger_months, "year": case.identified_at.year}
        ]
    line, line_name = elimination_line(thresholds)
    if known.per_capita > line:
        return []
    if known.source == "annual":
        where = _("the annual income accounting of %(year)s") % {"year": known.year}
    else:
        where = _("the ledger of %(n)s months since identification") % {"n": known.months}
    return [
        _("Income per person was not above %(name)s of %(line)s yuan: %(income)s yuan a year (%(where)s).")
        % {"name": line_name, "line": line, "income": known.per_capita, "where": where}
    ]


def _risks_not_resolved(case, assessment, thresholds, on) -> list[str]:
    risks = set(case.risk_types)
    out = []
    if RiskType.HOUSING_SAFETY in risks and (assessment is None or not assessment.housing_safe):
        out.append(_("The housing-safety risk is not resolved: the current assessment must find the house safe."))
    if RiskType.DRINKING_WATER in risks and (assessment is None or not assessment.water_safe):
        out.append(_("The drinking-water risk is not resolved: the current assessment must find the water safe."))
    if RiskType.SCHOOLING in risks:
        out_of_school = assessment is None or any(
            r.schooling not in r.SECURED_SCHOOLING for r in assessment.members.all()
        )
        if out_of_school:
            out.append(_("The schooling risk is not resolved: every school-age child must be back in school."))
    if RiskType.ILLNESS in risks:
        year_index = month_index(first_of_month(on))
        medical = sum(
            (
                e.medical_expense
                for e in LedgerEntry.objects.filter(
                    household=case.household, month_index__gt=year_index - 13, month_index__lt=year_index
                )
            ),
            Decimal("0"),
        )
        if medical >= thresholds.medical_expense_threshold:
            out.append(
                _(
                    "The illness risk is not resolved: medical expense of the last 12 months is %(m)s yuan, "
                    "not under the threshold of %(t)s yuan."
                )
                % {"m": medical, "t": thresholds.medical_expense_threshold}
            )
    return out
