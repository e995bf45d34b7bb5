"""The alert page shows evidence with Chinese labels, units and formatted values, for every key a rule writes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from monitoring import evidence
from monitoring.models import Alert, Application
from monitoring.screening import screen
from monitoring.services import application_record

from .helpers import AS_OF, give_ledger, household, thresholds

pytestmark = pytest.mark.django_db


def test_every_key_any_rule_writes_has_a_label(cast):
    thresholds()
    poor, dropped = household(cast.yangkou), household(cast.yangkou)
    give_ledger(poor, monthly_income=1500, medical_expense=Decimal("600"), schooling_expense=Decimal("900"))
    give_ledger(dropped, monthly_income=6000, last_income=1000)
    poor.members.update(employment="not_employed")
    screen(as_of=AS_OF)
    application_record(
        household=poor, applicant="周一", description="住院", applied_on=datetime.date(2026, 11, 2),
        risk_types=["illness"], actor=cast.alice,
    )  # fmt: skip
    written = {key for e in Alert.objects.values_list("evidence", flat=True) for key in e}
    rules = set(Alert.objects.values_list("rule", flat=True))
    assert {"income_low", "income_drop", "medical_expense", "schooling_expense", "zero_employment"} <= rules
    assert written - set(evidence.FIELDS) == set()
    assert Application.objects.count() == 1


def test_the_alert_page_shows_labels_units_and_formatted_values(cast, client_of):
    thresholds()
    h = household(cast.yangkou)
    give_ledger(h, monthly_income=1500)
    screen(as_of=AS_OF)
    alert = Alert.objects.get(household=h, rule="income_low")
    with translation.override("zh-hans"):
        page = client_of(cast.alice).get(reverse("monitoring:alert_detail", kwargs={"alert_pk": alert.pk}))
    text = page.content.decode()
    assert "人均纯收入" in text and "9,000.00 元/人·年" in text
    assert "预警线" in text and "13,200.00 元/人·年" in text
    assert "监测线" in text and "台账月数" in text and "12 个月" in text
    assert "per_capita_income" not in text and "warning_line" not in text
