"""What an alert's evidence says, for people: Chinese labels, units and formatted values.

Every rule that raises an alert (screening, rosters, applications, cadres' reports, hazards) writes
its figures as a JSON object of keys and plain values. The alert page and the Excel export show them
through :func:`rows`, never as raw keys or Python values. A rule that writes a new key adds it to
``FIELDS`` (``tests/monitoring/test_evidence.py`` fails on a key written by a rule and not listed).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import DepartmentRoster, RiskType

# key -> (label, kind). Kinds: yuan, yuan_year (per person a year), percent, months, days, people, year,
# date, text, risk_types, source, fact. Keys whose label is None are references shown elsewhere.
FIELDS = {
    # income_low
    "per_capita_income": (gettext_lazy("Per-capita net income"), "yuan_year"),
    "warning_line": (gettext_lazy("Warning line"), "yuan_year"),
    "income_line": (gettext_lazy("Monitoring line"), "yuan_year"),
    "months": (gettext_lazy("Months recorded"), "months"),
    "household_size": (gettext_lazy("Household size"), "people"),
    "year": (gettext_lazy("Thresholds of the year"), "year"),
    "source": (gettext_lazy("Income counted from"), "source"),
    "accounting_year": (gettext_lazy("Accounting year"), "year"),
    # income_drop
    "month_income": (gettext_lazy("Net income of the latest month"), "yuan"),
    "previous_average": (gettext_lazy("Average of the months before"), "yuan"),
    "drop_percent": (gettext_lazy("Drop"), "percent"),
    "threshold_percent": (gettext_lazy("Drop that raises an alert"), "percent"),
    "months_compared": (gettext_lazy("Months compared"), "months"),
    # medical_expense / schooling_expense
    "medical_expense": (gettext_lazy("Medical expense over 12 months"), "yuan"),
    "schooling_expense": (gettext_lazy("Schooling expense over 12 months"), "yuan"),
    "threshold": (gettext_lazy("Threshold"), "yuan"),
    # zero_employment
    "able_and_willing": (gettext_lazy("Members able and willing to work"), "people"),
    "employed": (gettext_lazy("Members employed"), "people"),
    "members": (gettext_lazy("Members"), "people"),
    # visit_overdue (alerts raised before overdue visits became a work list)
    "due": (gettext_lazy("Visit due"), "date"),
    "last_visit": (gettext_lazy("Last visit"), "date"),
    "as_of": (gettext_lazy("Screened on"), "date"),
    # self_application / cadre_check
    "application": (None, "text"),
    "applicant": (gettext_lazy("Applicant"), "text"),
    "risk_types": (gettext_lazy("Risk types"), "risk_types"),
    "description": (gettext_lazy("Difficulty described"), "text"),
    # roster_hit
    "roster": (None, "text"),
    "department": (gettext_lazy("Department"), "text"),
    "fact": (None, "fact"),  # shown through fact_label
    "fact_label": (gettext_lazy("Fact reported"), "text"),
    "member": (gettext_lazy("Member"), "text"),
    "detail": (gettext_lazy("Detail"), "text"),
    "amount": (gettext_lazy("Amount"), "yuan"),
    # hazard
    "hazard_id": (None, "text"),
    "settlement": (gettext_lazy("Settlement site"), "text"),
    "hazard_type": (gettext_lazy("Hazard type"), "text"),
    "severity": (gettext_lazy("Severity"), "text"),
    "found_on": (gettext_lazy("Found on"), "date"),
    "deadline": (gettext_lazy("Deadline for rectification"), "date"),
    "responsible_unit": (gettext_lazy("Responsible unit"), "text"),
    # loan_overdue (programmes.services)
    "loan_id": (None, "text"),
    "kind": (gettext_lazy("Kind of loan"), "text"),
    "bank": (gettext_lazy("Bank"), "text"),
    "due_date": (gettext_lazy("Due date"), "date"),
    "days_overdue": (gettext_lazy("Days overdue"), "days"),
    "borrower": (gettext_lazy("Borrower"), "text"),
    # out_of_school / uninsured / unsafe_housing / unsafe_water (两不愁三保障 assessments)
    "assessed_on": (gettext_lazy("Date of the assessment"), "date"),
    "members_out_of_school": (gettext_lazy("Members out of school"), "people"),
    "members_uninsured": (gettext_lazy("Members without basic medical insurance"), "people"),
    "insurance_year": (gettext_lazy("Insurance year"), "year"),
    "housing_grade": (gettext_lazy("Housing safety"), "text"),
    "water_quantity_ok": (gettext_lazy("Water quantity sufficient"), "yesno"),
    "water_quality_ok": (gettext_lazy("Water quality up to standard"), "yesno"),
    "water_convenient": (gettext_lazy("Water conveniently reached"), "yesno"),
    "water_guaranteed": (gettext_lazy("Supply guarantee rate met"), "yesno"),
}

SOURCES = {
    "ledger": gettext_lazy("Monthly ledger, annualised"),
    "annual": gettext_lazy("Annual income accounting"),
}


def _number(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _amount(value) -> str:
    number = _number(value)
    if number is None:
        return str(value)
    return f"{number:,.2f}"


def _date(value) -> str:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def _whole(value) -> str:
    number = _number(value)
    return str(int(number)) if number is not None and number == int(number) else str(value)


def format_value(kind: str, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool) or kind == "yesno":  # SQLite's JSON writes booleans as 1 and 0
        return _("Yes") if str(value).lower() in ("1", "true") else _("No")
    if kind == "yuan":
        return _("%(amount)s yuan") % {"amount": _amount(value)}
    if kind == "yuan_year":
        return _("%(amount)s yuan per person a year") % {"amount": _amount(value)}
    if kind == "percent":
        number = _number(value)
        return f"{number.normalize():f}%" if number is not None else str(value)
    if kind == "months":
        return _("%(n)s months") % {"n": _whole(value)}
    if kind == "days":
        return _("%(n)s days") % {"n": _whole(value)}
    if kind == "people":
        return _("%(n)s people") % {"n": _whole(value)}
    if kind == "year":
        return _("year %(year)s") % {"year": _whole(value)}
    if kind == "date":
        return _date(value)
    if kind == "source":
        return str(SOURCES.get(value, value))
    if kind == "risk_types":
        labels = dict(RiskType.choices)
        return "、".join(str(labels.get(v, v)) for v in (value if isinstance(value, list) else [value]))
    if kind == "fact":
        return str(dict(DepartmentRoster.Fact.choices).get(value, value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def rows(evidence: dict | None) -> list[tuple[str, str]]:
    """(label, formatted value) pairs of an alert's evidence, in the order the rule wrote them."""
    out = []
    for key, value in (evidence or {}).items():
        label, kind = FIELDS.get(key, (gettext_lazy("Other figure"), "text"))
        if label is None:
            continue
        out.append((str(label), format_value(kind, value)))
    return out


def text(evidence: dict | None) -> str:
    """The evidence on one line (an Excel cell)."""
    return "；".join(f"{label}：{value}" for label, value in rows(evidence))
