import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from assistance.models import PolicyTask
from monitoring.models import Alert, MonitoringCase
from programmes import coverage, selectors, services
from programmes.models import Loan, LoanExtension, ProgrammeSettings
from tests.programmes.factories import LoanFactory, WorkshopFactory, days_ago

pytestmark = pytest.mark.django_db


def _overdue_loan(cast, days):
    loan = LoanFactory(member=cast.alice_member, start_date=days_ago(400), term_months=12)
    Loan.objects.filter(pk=loan.pk).update(due_date=days_ago(days))
    loan.refresh_from_db()
    return loan


def test_an_overdue_loan_raises_one_alert_past_the_threshold_only(cast):
    ProgrammeSettings.objects.update_or_create(pk=1, defaults={"loan_overdue_days": 30})
    young = _overdue_loan(cast, 10)
    old = _overdue_loan(cast, 45)
    assert services.flag_overdue_loans() == 1
    assert services.flag_overdue_loans() == 0
    call_command("programmes_flag_overdue_loans", stdout=io.StringIO())
    alert = Alert.objects.get(rule="loan_overdue")
    assert alert.household == cast.alice_household
    assert alert.evidence["loan_id"] == old.pk
    assert alert.get_rule_display() == "贷款逾期"
    young.refresh_from_db()
    assert young.overdue_alert is None
    # The threshold is data: lowered, the younger loan is flagged too.
    ProgrammeSettings.objects.filter(pk=1).update(loan_overdue_days=5)
    assert services.flag_overdue_loans() == 1
    assert Alert.objects.filter(rule="loan_overdue").count() == 2


def test_the_overdue_alert_joins_the_households_open_case(cast, client_of):
    case = MonitoringCase.objects.create(
        household=cast.alice_household, object_type="unstable", risk_types=["illness"],
        discovery_channel="cadre_check", identified_at=days_ago(60), status=MonitoringCase.Status.APPROVED,
    )  # fmt: skip
    loan = _overdue_loan(cast, 90)
    services.flag_overdue_loans()
    alert = Alert.objects.get(rule="loan_overdue")
    assert alert.case == case
    page = client_of(cast.alice).get(reverse("monitoring:case_detail", kwargs={"case_pk": case.pk})).content.decode()
    assert "贷款逾期" in page  # among the case's alerts
    alert_page = client_of(cast.alice).get(reverse("monitoring:alert_detail", kwargs={"alert_pk": alert.pk}))
    assert "借款人" in alert_page.content.decode() and "广丰农商银行" in alert_page.content.decode()
    assert reverse("programmes:loan_detail", kwargs={"loan_pk": loan.pk}) in page  # and the loan itself
    assert client_of(cast.bob).get(reverse("programmes:loan_detail", kwargs={"loan_pk": loan.pk})).status_code == 404


def test_a_repaid_or_extended_loan_is_not_overdue(cast):
    loan = _overdue_loan(cast, 90)
    services.loan_extend(
        loan=loan,
        extension=LoanExtension(
            kind="extension", approved_on=days_ago(1), new_due_date=days_ago(-200), reason="因灾展期"
        ),
        actor=cast.alice,
    )
    assert services.flag_overdue_loans() == 0


def test_loans_continue_after_elimination_to_the_end_of_their_contract(cast):
    open_loan = LoanFactory(member=cast.alice_member, start_date=days_ago(30), term_months=24)
    LoanFactory(member=cast.alice_member, status=Loan.Status.REPAID)
    items = selectors.measures_continuing_after_elimination(cast.alice_household)
    assert [i["loan_id"] for i in items] == [open_loan.pk]
    assert items[0]["kind"] == "microcredit"
    assert items[0]["until"] == open_loan.due_date
    assert (
        selectors.measures_continuing_after_elimination(
            cast.alice_household, on=open_loan.due_date + datetime.timedelta(days=1)
        )
        == []
    )


def test_the_due_date_is_the_same_day_months_later():
    from programmes.models import months_later

    assert months_later(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert months_later(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert months_later(datetime.date(2026, 11, 15), 36) == datetime.date(2029, 11, 15)


def test_every_measure_of_the_policy_has_something_that_records_its_work(cast, client_of):
    codes = set(PolicyTask.objects.values_list("code", flat=True))
    assert len(codes) == 25
    assert set(coverage.recorders()) == codes
    for code, recorders in coverage.recorders().items():
        assert recorders, code
        for recorder in recorders:
            assert "task_list" not in recorder.url_name or code == "6.3", code
    page = client_of(cast.frank).get(reverse("programmes:coverage")).content.decode()
    assert "25 项措施" in page
    assert "Nothing records" not in page and "没有记录" not in page
    assert reverse("programmes:relief_list") in page and reverse("programmes:loan_list") in page


def test_report_figures_equal_the_list_they_link_to(cast, client_of):
    from tests.programmes.factories import ReliefProjectFactory

    ReliefProjectFactory(settlement=cast.yangkou_site, start_date=days_ago(20), labour_remuneration=Decimal("150000"))
    ReliefProjectFactory(settlement=cast.yangkou_site, start_date=days_ago(200))
    ReliefProjectFactory(settlement=cast.hengshan_site, start_date=days_ago(20))
    start, end = days_ago(60), days_ago(0)
    items = coverage.report_figures("3.4", start, end, cast.alice)
    assert len(items) == 1
    assert items[0]["count"] == 1
    assert items[0]["total"] == Decimal("150000")
    listed = client_of(cast.alice).get(items[0]["url"])
    assert listed.context["page_obj"].paginator.count == items[0]["count"]


def test_the_report_form_pulls_this_periods_figures_from_the_ledger(cast, client_of):
    from assistance.models import TaskAssignment

    task = PolicyTask.objects.get(code="2.2")
    TaskAssignment.objects.get_or_create(task=task, township=cast.yangkou)
    WorkshopFactory(settlement=cast.yangkou_site, recognised_on=days_ago(0))
    url = reverse("assistance:report_create", kwargs={"task_pk": task.pk})
    response = client_of(cast.alice).get(url, {"from_ledger": "1"})
    assert response.status_code == 200
    figures = response.context["form"].initial["figures"]
    assert "帮扶车间和就业基地（条数）: 1" in figures


def test_the_demo_puts_rows_in_every_ledger_and_runs_twice(cast):
    from io import StringIO

    from programmes import demo
    from programmes.models import (
        BenefitLink,
        FundAllocation,
        LibraryProject,
        Product,
        ReliefProject,
        ReliefWorker,
        SalesRecord,
        Workshop,
        WorkshopWorker,
    )
    from tests.factories import HouseholdFactory, MemberFactory

    for _ in range(12):
        MemberFactory(household=HouseholdFactory(township=cast.yangkou, settlement=cast.yangkou_site))
    demo.seed_demo_data(StringIO())
    demo.seed_demo_data(StringIO())
    for model in (Workshop, WorkshopWorker, ReliefProject, ReliefWorker, Loan, Product, SalesRecord, BenefitLink,
                  LibraryProject, FundAllocation):  # fmt: skip
        assert model.objects.filter().exists(), model
    assert Workshop.objects.count() == 1
    # The start-up loan is long overdue: the job flags it.
    assert services.flag_overdue_loans() == 1


# A loan's status moves only as the rules allow (issue 17's gaps) ---------------------------------


def test_a_loans_status_changes_only_along_the_allowed_paths(cast):
    from django.core.exceptions import ValidationError

    from programmes.models import LoanRepayment

    S = Loan.Status
    loan = LoanFactory(member=cast.alice_member, amount=Decimal("10000"))
    # Extended only with an extension's new due date; repaid only when the repayments reach the amount.
    for status, message in [
        (S.EXTENDED, "请在贷款页登记续贷或展期及新的到期日"),
        (S.REPAID, "尚有10000.00元本金未归还"),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.loan_set_status(loan=loan, status=status, actor=cast.alice)
        assert message in " ".join(refused.value.message_dict["status"])
    services.loan_extend(
        loan=loan,
        extension=LoanExtension(
            kind="extension",
            approved_on=days_ago(1),
            new_due_date=loan.due_date + datetime.timedelta(days=180),
            reason="受灾延期",
        ),
        actor=cast.alice,
    )
    loan.refresh_from_db()
    assert loan.status == S.EXTENDED
    with pytest.raises(ValidationError) as refused:
        services.loan_set_status(loan=loan, status=S.ACTIVE, actor=cast.alice)
    assert "不能改回正常还款" in " ".join(refused.value.message_dict["status"])
    with pytest.raises(ValidationError) as refused:  # repayments larger than the loan
        services.loan_repay(
            loan=loan, repayment=LoanRepayment(paid_on=days_ago(1), principal=Decimal("10000.01")), actor=cast.alice
        )
    assert "超过贷款金额10000.00元" in " ".join(refused.value.message_dict["principal"])
    assert not loan.repayments.exists()
    services.loan_repay(
        loan=loan, repayment=LoanRepayment(paid_on=days_ago(1), principal=Decimal("10000")), actor=cast.alice
    )
    loan.refresh_from_db()
    assert loan.status == S.REPAID
    # Repaid is final.
    for status in (S.ACTIVE, S.EXTENDED, S.WRITTEN_OFF):
        with pytest.raises(ValidationError) as refused:
            services.loan_set_status(loan=loan, status=status, actor=cast.alice)
        assert "状态不能再更改" in " ".join(refused.value.message_dict["status"])
    # Written off with the risk compensation fund: allowed while open, then final.
    other = LoanFactory(member=cast.alice_member)
    services.loan_set_status(loan=other, status=S.WRITTEN_OFF, actor=cast.alice)
    other.refresh_from_db()
    assert other.status == S.WRITTEN_OFF
    assert other.history.first().history_user == cast.alice
    with pytest.raises(ValidationError):
        services.loan_set_status(loan=other, status=S.ACTIVE, actor=cast.alice)


def test_the_loan_form_refuses_a_forbidden_status_and_an_amount_below_what_is_repaid(cast, client_of):
    from programmes.forms import LoanForm
    from programmes.models import LoanRepayment
    from tests.place_writes import form_data

    loan = LoanFactory(member=cast.alice_member, amount=Decimal("10000"))
    services.loan_repay(
        loan=loan, repayment=LoanRepayment(paid_on=days_ago(1), principal=Decimal("4000")), actor=cast.alice
    )
    url = reverse("programmes:loan_edit", kwargs={"loan_pk": loan.pk})
    data = form_data(LoanForm(instance=loan, user=cast.alice))
    client = client_of(cast.alice)
    response = client.post(url, {**data, "id_number": "", "status": Loan.Status.REPAID})
    assert response.status_code == 200
    assert "尚有6000.00元本金未归还" in response.content.decode()
    response = client.post(url, {**data, "id_number": "", "amount": "3000"})
    assert "已还本金4000.00元，贷款金额不能低于此数" in response.content.decode()
    loan.refresh_from_db()
    assert (loan.status, loan.amount) == (Loan.Status.ACTIVE, Decimal("10000"))
    response = client.post(url, {**data, "id_number": "", "status": Loan.Status.WRITTEN_OFF})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == Loan.Status.WRITTEN_OFF


def test_a_corrected_start_date_or_term_moves_the_due_date_until_an_extension_sets_one(cast, client_of):
    from programmes.forms import LoanForm
    from tests.place_writes import form_data

    loan = LoanFactory(member=cast.alice_member, amount=Decimal("10000"))
    url = reverse("programmes:loan_edit", kwargs={"loan_pk": loan.pk})
    data = form_data(LoanForm(instance=loan, user=cast.alice))
    client = client_of(cast.alice)
    response = client.post(url, {**data, "id_number": "", "start_date": "2024-03-10", "term_months": "24"})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.due_date == datetime.date(2026, 3, 10)  # overdue counts from here, not from the old term

    services.loan_extend(
        loan=loan,
        extension=LoanExtension(kind=LoanExtension.Kind.EXTENSION, approved_on=datetime.date(2026, 3, 1),
                                new_due_date=datetime.date(2026, 12, 10), reason="受灾展期"),
        actor=cast.alice,
    )  # fmt: skip
    data = form_data(LoanForm(instance=Loan.objects.get(pk=loan.pk), user=cast.alice))
    client.post(url, {**data, "id_number": "", "term_months": "36"})
    loan.refresh_from_db()
    assert loan.due_date == datetime.date(2026, 12, 10)  # the extension's date stands
