"""The programme ledgers as data: each one's model, form, filters and columns.

They reuse the site ledgers' machinery (``settlements.ledgers``): the list page, its Excel export and
a row's page show the same columns; members' ID numbers are masked unless the user may see them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.models import EmploymentRecord, TrainingRecord
from relocation.idnumbers import mask_id_number
from settlements.ledgers import Column, Ledger, _attr, _choice

from . import forms
from .models import (
    BenefitLink,
    FundAllocation,
    LibraryProject,
    Loan,
    Product,
    ReliefProject,
    SalesRecord,
    Workshop,
)


@dataclass
class ProgrammeLedger(Ledger):
    title_plural: str = ""
    detail_template: str = ""  # the row page's own section (workers, repayments, allocations...)
    policy_code: str = ""  # the policy measure the ledger records work for (e.g. "3.4")
    deletable: bool = False
    annotate: Callable | None = None  # () -> {name: expression} the columns read

    def url_name(self, page: str) -> str:
        return f"programmes:{self.name}_{page}"

    def perm(self, action: str) -> str:
        return f"{self.model._meta.app_label}.{action}_{self.perm_model}"

    def queryset_for(self, user):
        queryset = super().queryset_for(user)
        if not self.annotate:
            return queryset
        # A grouped query drops the model's default ordering: keep it, for stable pages.
        return queryset.annotate(**self.annotate()).order_by(*self.model._meta.ordering, "pk")


def id_number(path="member"):
    """A member's ID number, masked unless the user may see personal data."""

    def get(o, mask):
        member = _attr(path)(o, mask)
        if not member:
            return ""
        return mask_id_number(member.id_number) if mask else member.id_number

    return get


TOWNSHIP = Column(_("Township"), _attr("township.name"))
SITE = Column(_("Settlement site"), _attr("settlement.name"))
SITE_OF_SETTLEMENT_LEDGER = [Column(_("Township"), _attr("settlement.township.name"), in_list=False), SITE]
HOUSEHOLD_PLACE = [
    Column(_("Township"), _attr("household.township.name"), in_list=False),
    Column(_("Settlement site"), _attr("household.settlement.name"), in_list=False),
    Column(_("Household code"), _attr("household.code")),
]


def _today_q(build):
    return lambda: build(timezone.localdate())


def _workshop_figures():
    today = timezone.localdate()
    current = Q(workers__start_date__lte=today) & (Q(workers__end_date__isnull=True) | Q(workers__end_date__gte=today))
    return {"current_workers": Count("workers", filter=current)}


WORKSHOPS = ProgrammeLedger(
    slug="workshops",
    title=_("Assistance workshops and employers"),
    model=Workshop,
    key="workshop_pk",
    form_class=forms.WorkshopForm,
    date_field="recognised_on",
    choice_filters=["kind"],
    states=[("active", _("Operating"), Q(is_active=True)), ("closed", _("Closed"), Q(is_active=False))],
    search_fields=["name", "operator", "industry"],
    select_related=["settlement", "settlement__township"],
    detail_url="programmes:workshop_detail",
    detail_template="programmes/detail/workshop.html",
    policy_code="2.2",
    annotate=_workshop_figures,
    columns=[
        Column(_("Name"), _attr("name")),
        *SITE_OF_SETTLEMENT_LEDGER,
        Column(_("Kind"), _choice("kind")),
        Column(_("Operator"), _attr("operator")),
        Column(_("Products or trade"), _attr("industry"), in_list=False),
        Column(_("Recognised on"), lambda o, mask: o.recognised_on or ""),
        Column(_("Subsidy received (yuan)"), _attr("subsidy")),
        Column(_("Relocated people working there"), lambda o, mask: o.current_workers),
        Column(_("Operating"), lambda o, mask: o.is_active, in_list=False),
        Column(_("Notes"), _attr("notes"), in_list=False),
    ],
)

RELIEF = ProgrammeLedger(
    slug="relief",
    title=_("Work-for-relief projects"),
    model=ReliefProject,
    key="relief_pk",
    form_class=forms.ReliefProjectForm,
    date_field="start_date",
    choice_filters=["status"],
    search_fields=["name", "owner_unit"],
    select_related=["township", "settlement"],
    detail_url="programmes:relief_detail",
    detail_template="programmes/detail/relief.html",
    policy_code="3.4",
    annotate=lambda: {"relocated_workers": Count("workers"), "relocated_wages": Sum("workers__wages_paid")},
    columns=[
        Column(_("Project"), _attr("name")),
        TOWNSHIP,
        SITE,
        Column(_("Year of the plan"), _attr("year")),
        Column(_("Implementing unit"), _attr("owner_unit"), in_list=False),
        Column(_("Investment (yuan)"), _attr("investment")),
        Column(_("Labour remuneration (yuan)"), _attr("labour_remuneration")),
        Column(_("Remuneration share (%)"), lambda o, mask: o.remuneration_share or ""),
        Column(_("Start date"), lambda o, mask: o.start_date, in_list=False),
        Column(_("Completion date"), lambda o, mask: o.end_date, in_list=False),
        Column(_("Workers in all"), _attr("total_workers")),
        Column(_("Relocated workers"), lambda o, mask: o.relocated_workers),
        Column(_("Wages paid to relocated workers (yuan)"), lambda o, mask: o.relocated_wages or 0),
        Column(_("Status"), _choice("status")),
    ],
)

LOANS = ProgrammeLedger(
    slug="loans",
    title=_("Microcredit and start-up loans"),
    model=Loan,
    key="loan_pk",
    form_class=forms.LoanForm,
    date_field="start_date",
    choice_filters=["kind", "status"],
    states=[
        ("open", _("Not repaid"), Q(status__in=Loan.OPEN_STATUSES)),
        ("overdue", _("Overdue"), _today_q(lambda today: Q(status__in=Loan.OPEN_STATUSES, due_date__lt=today))),
    ],
    search_fields=["member__name", "household__code", "bank", "contract_no"],
    site_path="household__settlement",
    select_related=["member", "household", "household__township", "household__settlement"],
    detail_url="programmes:loan_detail",
    detail_template="programmes/detail/loan.html",
    policy_code="3.5",
    annotate=lambda: {"repaid": Sum("repayments__principal")},
    columns=[
        Column(_("Borrower"), _attr("member.name")),
        Column(_("ID number"), id_number()),
        *HOUSEHOLD_PLACE,
        Column(_("Kind of loan"), _choice("kind")),
        Column(_("Bank"), _attr("bank")),
        Column(_("Contract number"), _attr("contract_no"), in_list=False),
        Column(_("Amount (yuan)"), _attr("amount")),
        Column(_("Annual interest rate (%)"), _attr("annual_rate"), in_list=False),
        Column(_("Interest subsidised"), lambda o, mask: o.interest_subsidised, in_list=False),
        Column(_("Start date"), lambda o, mask: o.start_date),
        Column(_("Term (months)"), _attr("term_months"), in_list=False),
        Column(_("Due date"), lambda o, mask: o.due_date),
        Column(_("Purpose"), _attr("purpose"), in_list=False),
        Column(_("Principal repaid (yuan)"), lambda o, mask: o.repaid or 0),
        Column(_("Days overdue"), lambda o, mask: o.days_overdue() or ""),
        Column(_("Status"), _choice("status")),
    ],
)

PRODUCTS = ProgrammeLedger(
    slug="products",
    title=_("Site products"),
    model=Product,
    key="product_pk",
    form_class=forms.ProductForm,
    date_field="created_at__date",
    choice_filters=["industry"],
    search_fields=["name", "maker", "certification"],
    select_related=["settlement", "settlement__township"],
    detail_url="programmes:product_detail",
    detail_template="programmes/detail/product.html",
    policy_code="2.1",
    annotate=lambda: {"sales_total": Sum("sales__amount")},
    columns=[
        Column(_("Product"), _attr("name")),
        *SITE_OF_SETTLEMENT_LEDGER,
        Column(_("Featured industry"), _choice("industry")),
        Column(_("Made by"), _attr("maker")),
        Column(_("Certification"), _attr("certification")),
        Column(_("Unit"), _attr("unit"), in_list=False),
        Column(_("Sales recorded (yuan)"), lambda o, mask: o.sales_total or 0),
        Column(_("Notes"), _attr("notes"), in_list=False),
    ],
)

SALES = ProgrammeLedger(
    slug="sales",
    title=_("Consumption assistance sales"),
    model=SalesRecord,
    key="sales_pk",
    form_class=forms.SalesRecordForm,
    date_field="month",
    choice_filters=[],
    search_fields=["product__name", "channel__name", "buyer"],
    site_path="product__settlement",
    select_related=["product", "product__settlement", "product__settlement__township", "channel"],
    detail_url="programmes:sales_detail",
    policy_code="2.3",
    deletable=True,
    columns=[
        Column(_("Month"), lambda o, mask: o.month.strftime("%Y-%m")),
        Column(_("Township"), _attr("product.settlement.township.name"), in_list=False),
        Column(_("Settlement site"), _attr("product.settlement.name")),
        Column(_("Product"), _attr("product.name")),
        Column(_("Made by"), _attr("product.maker"), in_list=False),
        Column(_("Kind of channel"), lambda o, mask: o.channel.get_kind_display()),
        Column(_("Sales channel"), _attr("channel.name")),
        Column(_("Quantity"), _attr("quantity")),
        Column(_("Sales (yuan)"), _attr("amount")),
        Column(_("Buyer"), _attr("buyer"), in_list=False),
    ],
)

BENEFITS = ProgrammeLedger(
    slug="benefits",
    title=_("Benefit linkage"),
    model=BenefitLink,
    key="benefit_pk",
    form_class=forms.BenefitLinkForm,
    date_field="start_date",
    choice_filters=["kind"],
    states=[
        ("current", _("In force"), _today_q(lambda today: Q(end_date__isnull=True) | Q(end_date__gte=today))),
        ("ended", _("Ended"), _today_q(lambda today: Q(end_date__lt=today))),
    ],
    search_fields=["household__code", "household__head_name", "counterparty"],
    site_path="household__settlement",
    select_related=["household", "household__township", "household__settlement"],
    detail_url="programmes:benefit_detail",
    policy_code="2.5",
    deletable=True,
    columns=[
        Column(_("Head of household"), _attr("household.head_name")),
        *HOUSEHOLD_PLACE,
        Column(_("Kind of linkage"), _choice("kind")),
        Column(_("With whom"), _attr("counterparty")),
        Column(_("Area (mu)"), _attr("area_mu")),
        Column(_("Yearly income (yuan)"), _attr("yearly_income")),
        Column(_("From"), lambda o, mask: o.start_date),
        Column(_("Until"), lambda o, mask: o.end_date or "", in_list=False),
        Column(_("Notes"), _attr("notes"), in_list=False),
    ],
)

LIBRARY = ProgrammeLedger(
    slug="library",
    title=_("Follow-up support project library"),
    model=LibraryProject,
    key="project_pk",
    form_class=forms.LibraryProjectForm,
    date_field="created_at__date",
    choice_filters=["kind", "status", "main_source"],
    search_fields=["name", "owner_unit"],
    select_related=["township", "settlement", "asset"],
    detail_url="programmes:project_detail",
    detail_template="programmes/detail/project.html",
    policy_code="6.2",
    annotate=lambda: {"allocated_total": Sum("allocations__allocated"), "spent_total": Sum("allocations__spent")},
    columns=[
        Column(_("Project"), _attr("name")),
        TOWNSHIP,
        SITE,
        Column(_("Kind of project"), _choice("kind")),
        Column(_("Year entered"), _attr("year")),
        Column(_("Planned amount (yuan)"), _attr("planned_amount")),
        Column(_("Main fund source"), _choice("main_source"), in_list=False),
        Column(_("Implementing unit"), _attr("owner_unit"), in_list=False),
        Column(_("Allocated (yuan)"), lambda o, mask: o.allocated_total or 0),
        Column(_("Spent (yuan)"), lambda o, mask: o.spent_total or 0),
        Column(_("Relocated people it benefits"), _attr("beneficiaries"), in_list=False),
        Column(_("Status"), _choice("status")),
        Column(_("Completed on"), lambda o, mask: o.completed_on or "", in_list=False),
        Column(_("Accepted on"), lambda o, mask: o.accepted_on or "", in_list=False),
        Column(_("Asset it produced"), lambda o, mask: o.asset.name if o.asset_id else "", in_list=False),
    ],
)

FUNDS = ProgrammeLedger(
    slug="funds",
    title=_("Fund allocations"),
    model=FundAllocation,
    key="allocation_pk",
    form_class=None,  # allocated from a library project's page: no allocation without a project
    date_field="allocated_on",
    choice_filters=["source"],
    search_fields=["project__name", "document_no"],
    site_path="project__settlement",
    select_related=["project", "project__township", "project__settlement"],
    detail_url="programmes:project_detail",
    parent_slug="library",
    policy_code="6.2",
    columns=[
        Column(_("Allocated on"), lambda o, mask: o.allocated_on),
        Column(_("Project"), _attr("project.name")),
        Column(_("Township"), _attr("project.township.name")),
        Column(_("Settlement site"), _attr("project.settlement.name"), in_list=False),
        Column(_("Fund source"), _choice("source")),
        Column(_("Allocation document"), _attr("document_no")),
        Column(_("Allocated (yuan)"), _attr("allocated")),
        Column(_("Spent (yuan)"), _attr("spent")),
    ],
)

TRAININGS = ProgrammeLedger(
    slug="trainings",
    title=_("Skills trainings"),
    model=TrainingRecord,
    key="training_pk",
    form_class=forms.TrainingForm,
    date_field="start_date",
    choice_filters=["kind"],
    states=[("completed", _("Completed"), Q(completed=True)), ("ongoing", _("Not completed"), Q(completed=False))],
    search_fields=["member__name", "household__code", "course", "organizer"],
    site_path="household__settlement",
    select_related=["member", "household", "household__township", "household__settlement"],
    detail_url="programmes:training_detail",
    policy_code="3.1",
    deletable=True,
    columns=[
        Column(_("Member"), _attr("member.name")),
        Column(_("ID number"), id_number()),
        *HOUSEHOLD_PLACE,
        Column(_("Course"), _attr("course")),
        Column(_("Kind of training"), _choice("kind")),
        Column(_("Organizer"), _attr("organizer")),
        Column(_("From"), lambda o, mask: o.start_date),
        Column(_("Until"), lambda o, mask: o.end_date or "", in_list=False),
        Column(_("Completed"), lambda o, mask: o.completed),
        Column(_("Certificate obtained"), _attr("certificate"), in_list=False),
        Column(_("Training subsidy (yuan)"), _attr("subsidy"), in_list=False),
    ],
)

EMPLOYMENT = ProgrammeLedger(
    slug="employment",
    title=_("Employment records"),
    model=EmploymentRecord,
    key="record_pk",
    form_class=None,  # recorded on the household's page, from a workshop or a public-welfare post
    date_field="start_date",
    choice_filters=["kind"],
    states=[
        ("current", _("Still employed"), _today_q(lambda today: Q(end_date__isnull=True) | Q(end_date__gte=today))),
        ("ended", _("Left the job"), _today_q(lambda today: Q(end_date__lt=today))),
    ],
    search_fields=["member__name", "household__code", "employer", "job"],
    site_path="household__settlement",
    select_related=["member", "household", "household__township", "household__settlement"],
    detail_url="relocation:household_detail",
    policy_code="3.2",
    columns=[
        Column(_("Member"), _attr("member.name")),
        Column(_("ID number"), id_number()),
        *HOUSEHOLD_PLACE,
        Column(_("Kind of employment"), _choice("kind")),
        Column(_("Employer or workplace"), _attr("employer")),
        Column(_("Job"), _attr("job"), in_list=False),
        Column(_("Place of work"), _attr("place"), in_list=False),
        Column(_("From"), lambda o, mask: o.start_date),
        Column(_("Until"), lambda o, mask: o.end_date or ""),
        Column(_("Monthly income (yuan)"), _attr("monthly_income"), in_list=False),
    ],
)

LEDGERS = {
    ledger.slug: ledger
    for ledger in [WORKSHOPS, RELIEF, LOANS, PRODUCTS, SALES, BENEFITS, LIBRARY, FUNDS, TRAININGS, EMPLOYMENT]
}
