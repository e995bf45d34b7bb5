"""The site ledgers as data: each one's model, form, filters and columns.

A list page, its Excel export and its print view show the same rows in the same columns, so an
inspector's workbook matches the printed ledger and the screen. Views in ``views/ledgers.py`` are
written once for all of them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.forms import choose_single_place
from relocation.idnumbers import mask_phone

from . import forms as ledger_forms
from .models import (
    CommunityActivity,
    DisputeMediation,
    DistributionUse,
    Facility,
    FacilityMaintenance,
    ProjectAsset,
    ResidentRequest,
    SafetyHazard,
    Settlement,
)


def _d(value):
    return value.strftime("%Y-%m-%d") if value else ""


def _choice(name):
    return lambda o, mask: getattr(o, f"get_{name}_display")()


def _attr(path):
    def get(o, mask):
        for part in path.split("."):
            o = getattr(o, part, None) if o is not None else None
        return o if o is not None else ""

    return get


@dataclass
class Column:
    header: str
    get: Callable  # (obj, mask: bool) -> value
    in_list: bool = True  # also shown on the screen list (print and Excel show every column)
    in_detail: bool = True  # shown on the record's page (False where the page shows it another way)


@dataclass
class Ledger:
    slug: str
    title: str  # the ledger's name as the policy writes it
    model: type
    key: str  # URL keyword of one row
    form_class: type | None
    columns: list[Column]
    date_field: str
    choice_filters: list[str] = field(default_factory=list)
    states: list[tuple[str, str, Q | Callable]] = field(default_factory=list)
    search_fields: list[str] = field(default_factory=list)
    site_path: str = "settlement"
    select_related: list[str] = field(default_factory=list)
    prefetch_related: list[str] = field(default_factory=list)
    detail_url: str = ""
    parent_slug: str = ""  # a log kept under another ledger's rows (maintenance under facilities)

    @property
    def name(self) -> str:
        """The prefix of this ledger's URL names: facility_list, facility_detail..."""
        return self.key.removesuffix("_pk")

    def url_name(self, page: str) -> str:
        return f"settlements:{self.name}_{page}"

    @property
    def perm_model(self) -> str:
        return self.model._meta.model_name

    def perm(self, action: str) -> str:
        return f"settlements.{action}_{self.perm_model}"

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name

    def queryset_for(self, user):
        """The ledger's rows in the user's scope, ready for listing."""
        qs = self.model.objects.for_user(user)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs


class LedgerFilterForm(forms.Form):
    """The filters of a ledger list, its export and its print view; all optional, all in the URL."""

    def __init__(self, data, *, ledger: Ledger, user):
        super().__init__(data)
        self.ledger = ledger
        self.fields["settlement"] = forms.ModelChoiceField(
            label=_("Settlement site"),
            queryset=Settlement.objects.for_user(user).select_related("township"),
            required=False,
            empty_label=_("All my sites"),
        )
        choose_single_place(self, user, names=("settlement",), every_row_has_a_site=True)
        model = ledger.model
        for name in ledger.choice_filters:
            model_field = model._meta.get_field(name)
            self.fields[name] = forms.ChoiceField(
                label=model_field.verbose_name, choices=[("", _("All")), *model_field.choices], required=False
            )
        if ledger.states:
            self.fields["state"] = forms.ChoiceField(
                label=pgettext_lazy("ledger filter", "Quick filter"),
                choices=[("", _("All"))] + [(k, label) for k, label, _q in ledger.states],
                required=False,
            )
        self.fields["date_from"] = forms.DateField(label=_("From"), required=False, widget=ledger_forms.DateInput())
        self.fields["date_to"] = forms.DateField(label=_("To"), required=False, widget=ledger_forms.DateInput())
        if ledger.search_fields:
            self.fields["q"] = forms.CharField(label=_("Search"), required=False, max_length=50)
        for f in self.fields.values():
            f.widget.attrs["class"] = (
                "form-select form-select-sm" if isinstance(f.widget, forms.Select) else "form-control form-control-sm"
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned

    def apply(self, queryset):
        """The queryset narrowed by the valid filters (invalid ones are ignored and shown as errors)."""
        ledger = self.ledger
        if not self.is_valid():
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        else:
            data = self.cleaned_data
        if data.get("settlement"):
            queryset = queryset.filter(**{ledger.site_path: data["settlement"]})
        for name in ledger.choice_filters:
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("state"):
            for key, _label, condition in ledger.states:
                if key == data["state"]:
                    queryset = queryset.filter(condition() if callable(condition) else condition)
        if data.get("date_from"):
            queryset = queryset.filter(**{f"{ledger.date_field}__gte": data["date_from"]})
        if data.get("date_to"):
            queryset = queryset.filter(**{f"{ledger.date_field}__lte": data["date_to"]})
        if data.get("q"):
            q = Q()
            for name in ledger.search_fields:
                q |= Q(**{f"{name}__icontains": data["q"].strip()})
            queryset = queryset.filter(q)
        return queryset

    def describe(self, user) -> tuple[str, str]:
        """(site, period) for the title row of an export or a printed ledger."""
        data = self.cleaned_data if self.is_valid() else {}
        site = data.get("settlement")
        if site:
            site_text = f"{site.township.name} {site.name}"
        else:
            sites = list(Settlement.objects.for_user(user).values_list("name", flat=True)[:4])
            site_text = str(_("All sites in my area")) if len(sites) > 3 or not sites else "、".join(sites)
        start, end = data.get("date_from"), data.get("date_to")
        if start or end:
            period = f"{_d(start) or '…'} — {_d(end) or _d(timezone.localdate())}"
        else:
            period = str(_("all dates up to %(today)s") % {"today": _d(timezone.localdate())})
        return site_text, period


def _today_q(build):
    # The condition needs today's date at query time, not at import time.
    return lambda: build(timezone.localdate())


def _asset_latest(o, mask, what):
    incomes = list(o.incomes.all())
    if not incomes:
        return ""
    latest = incomes[0]  # ordered newest year first
    if what == "year":
        return latest.year
    if what == "income":
        return latest.income
    lines = list(latest.distributions.all())
    return sum((getattr(line, what) for line in lines), Decimal("0"))


SITE = Column(_("Settlement site"), _attr("settlement.name"))
TOWNSHIP = Column(_("Township"), _attr("settlement.township.name"), in_list=False)

FACILITIES = Ledger(
    slug="facilities",
    title=_("Facility maintenance ledger"),
    model=Facility,
    key="facility_pk",
    form_class=ledger_forms.FacilityForm,
    date_field="created_at__date",
    choice_filters=["facility_type", "status"],
    search_fields=["name", "maintainer", "location"],
    select_related=["settlement", "settlement__township"],
    detail_url="settlements:facility_detail",
    columns=[
        Column(_("Name"), _attr("name")),
        TOWNSHIP,
        SITE,
        Column(_("Facility type"), _choice("facility_type")),
        Column(_("Location"), _attr("location"), in_list=False),
        Column(_("Status"), _choice("status")),
        Column(_("Maintained by"), _attr("maintainer")),
        Column(
            _("Maintainer contact"),
            lambda o, mask: mask_phone(o.maintainer_contact) if mask else o.maintainer_contact,
            in_list=False,
        ),
        Column(_("Handed over"), lambda o, mask: o.handed_over, in_list=False),
        Column(_("Year built"), _attr("built_year"), in_list=False),
        Column(_("Notes"), _attr("notes"), in_list=False),
    ],
)

MAINTENANCE = Ledger(
    slug="maintenance",
    title=_("Facility maintenance log"),
    model=FacilityMaintenance,
    key="maintenance_pk",
    form_class=None,
    date_field="date",
    search_fields=["problem", "action", "done_by", "facility__name"],
    site_path="facility__settlement",
    select_related=["facility", "facility__settlement", "facility__settlement__township"],
    parent_slug="facilities",
    columns=[
        Column(_("Date"), lambda o, mask: o.date),
        Column(_("Settlement site"), _attr("facility.settlement.name")),
        Column(_("Facility"), _attr("facility.name")),
        Column(_("Facility type"), lambda o, mask: o.facility.get_facility_type_display()),
        Column(_("Problem found"), _attr("problem")),
        Column(_("Action taken"), _attr("action")),
        Column(_("Cost (yuan)"), _attr("cost")),
        Column(_("Done by"), _attr("done_by")),
    ],
)

HAZARDS = Ledger(
    slug="hazards",
    title=_("Safety hazard inspection ledger"),
    model=SafetyHazard,
    key="hazard_pk",
    form_class=ledger_forms.HazardForm,
    date_field="found_on",
    choice_filters=["hazard_type", "severity"],
    states=[
        ("open", _("Not rectified"), Q(rectified_on__isnull=True)),
        ("overdue", _("Overdue"), _today_q(lambda today: Q(rectified_on__isnull=True, deadline__lt=today))),
        ("rectified", _("Rectified"), Q(rectified_on__isnull=False)),
    ],
    search_fields=["description", "location", "responsible_unit", "found_by", "household__code"],
    select_related=["settlement", "settlement__township", "household"],
    detail_url="settlements:hazard_detail",
    columns=[
        Column(_("Found on"), lambda o, mask: o.found_on),
        TOWNSHIP,
        SITE,
        Column(
            _("Household"), lambda o, mask: str(o.household) if o.household_id else "", in_list=False, in_detail=False
        ),
        Column(_("Hazard type"), _choice("hazard_type")),
        Column(_("Severity"), _choice("severity")),
        Column(_("Location"), _attr("location"), in_list=False),
        Column(_("Description"), _attr("description")),
        Column(_("Found by"), _attr("found_by"), in_list=False),
        Column(_("Responsible unit"), _attr("responsible_unit")),
        Column(_("Rectification deadline"), lambda o, mask: o.deadline),
        Column(_("Rectified on"), lambda o, mask: o.rectified_on or ""),
        Column(_("Rectification measures"), _attr("rectification"), in_list=False),
        Column(_("Overdue"), lambda o, mask: o.is_overdue, in_list=False),
    ],
)

ACTIVITIES = Ledger(
    slug="activities",
    title=_("Community governance ledger: activities"),
    model=CommunityActivity,
    key="activity_pk",
    form_class=ledger_forms.ActivityForm,
    date_field="date",
    choice_filters=["kind"],
    search_fields=["title", "organiser", "place", "summary"],
    select_related=["settlement", "settlement__township"],
    detail_url="settlements:activity_detail",
    columns=[
        Column(_("Date"), lambda o, mask: o.date),
        TOWNSHIP,
        SITE,
        Column(_("Kind"), _choice("kind")),
        Column(_("Title"), _attr("title")),
        Column(_("Place"), _attr("place"), in_list=False),
        Column(_("Organised by"), _attr("organiser")),
        Column(_("Participants"), _attr("participants")),
        Column(_("Summary"), _attr("summary"), in_list=False),
    ],
)

DISPUTES = Ledger(
    slug="disputes",
    title=_("Community governance ledger: disputes mediated"),
    model=DisputeMediation,
    key="dispute_pk",
    form_class=ledger_forms.DisputeForm,
    date_field="date",
    choice_filters=["kind", "outcome"],
    search_fields=["parties", "summary", "mediator"],
    select_related=["settlement", "settlement__township"],
    detail_url="settlements:dispute_detail",
    columns=[
        Column(_("Date received"), lambda o, mask: o.date),
        TOWNSHIP,
        SITE,
        Column(_("Dispute type"), _choice("kind")),
        Column(_("Parties"), _attr("parties")),
        Column(_("What it is about"), _attr("summary"), in_list=False),
        Column(_("Mediator"), _attr("mediator")),
        Column(pgettext_lazy("dispute", "Outcome"), _choice("outcome")),
        Column(_("Agreement or result"), _attr("agreement"), in_list=False),
        Column(_("Closed on"), lambda o, mask: o.closed_on or ""),
    ],
)

REQUESTS = Ledger(
    slug="requests",
    title=_("Residents' requests ledger"),
    model=ResidentRequest,
    key="request_pk",
    form_class=ledger_forms.RequestForm,
    date_field="received_on",
    choice_filters=["channel", "kind", "status"],
    states=[
        ("open", _("Not closed"), ~Q(status=ResidentRequest.Status.CLOSED)),
        (
            "overdue",
            _("Overdue"),
            _today_q(
                lambda today: Q(
                    status__in=[ResidentRequest.Status.RECEIVED, ResidentRequest.Status.ASSIGNED], deadline__lt=today
                )
            ),
        ),
        ("unsatisfied", _("Resident not satisfied"), Q(satisfaction=ResidentRequest.Satisfaction.UNSATISFIED)),
    ],
    search_fields=["content", "requester", "answer", "household__code"],
    select_related=[
        "settlement",
        "settlement__township",
        "household",
        "assigned_department",
        "assigned_township",
        "closed_by",
    ],
    detail_url="settlements:request_detail",
    columns=[
        Column(_("Received on"), lambda o, mask: o.received_on),
        TOWNSHIP,
        SITE,
        Column(_("Requester"), _attr("requester")),
        # On the page the phone is always masked, with 显示 for those allowed (detail/request.html).
        Column(
            _("Phone"),
            lambda o, mask: mask_phone(o.requester_phone) if mask else o.requester_phone,
            in_list=False,
            in_detail=False,
        ),
        Column(
            _("Household"), lambda o, mask: o.household.code if o.household_id else "", in_list=False, in_detail=False
        ),
        Column(_("Channel"), _choice("channel"), in_list=False),
        Column(_("Kind"), _choice("kind")),
        Column(_("Content"), _attr("content")),
        Column(_("Assigned to"), lambda o, mask: o.assignee),
        Column(_("Answer deadline"), lambda o, mask: o.deadline or ""),
        Column(_("Answer"), _attr("answer"), in_list=False),
        Column(_("Answered on"), lambda o, mask: o.answered_on or "", in_list=False),
        Column(
            _("Satisfaction"), lambda o, mask: o.get_satisfaction_display() if o.satisfaction else "", in_list=False
        ),
        Column(_("Status"), _choice("status")),
        Column(_("Closed by"), lambda o, mask: o.closed_by.display_name if o.closed_by_id else "", in_list=False),
    ],
)

ASSETS = Ledger(
    slug="assets",
    title=_("Project assets and income distribution ledger"),
    model=ProjectAsset,
    key="asset_pk",
    form_class=ledger_forms.AssetForm,
    date_field="registered_on",
    choice_filters=["kind", "status"],
    states=[
        ("registered", _("Registered"), ~Q(registration_no="")),
        ("unregistered", _("Not registered"), Q(registration_no="")),
    ],
    search_fields=["name", "owner", "manager", "registration_no"],
    select_related=["settlement", "settlement__township"],
    prefetch_related=["incomes__distributions"],
    detail_url="settlements:asset_detail",
    columns=[
        Column(_("Name"), _attr("name")),
        TOWNSHIP,
        SITE,
        Column(_("Asset kind"), _choice("kind")),
        Column(_("Registration number"), _attr("registration_no")),
        Column(_("Registered on"), lambda o, mask: o.registered_on or "", in_list=False),
        Column(_("Ownership"), _attr("owner"), in_list=False),
        Column(_("Managed by"), _attr("manager")),
        Column(_("Value (yuan)"), _attr("value")),
        Column(_("Status"), _choice("status"), in_list=False),
        Column(_("Latest income year"), lambda o, mask: _asset_latest(o, mask, "year")),
        Column(_("Income (yuan)"), lambda o, mask: _asset_latest(o, mask, "income")),
        Column(_("Distributed (yuan)"), lambda o, mask: _asset_latest(o, mask, "planned"), in_list=False),
        Column(_("Spent (yuan)"), lambda o, mask: _asset_latest(o, mask, "spent"), in_list=False),
    ],
)

LEDGERS = {ledger.slug: ledger for ledger in [FACILITIES, MAINTENANCE, HAZARDS, ACTIVITIES, DISPUTES, REQUESTS, ASSETS]}


def distribution_columns() -> list[str]:
    """Headers of the income distribution workbook: one planned and one spent column per use."""
    headers = []
    for use in DistributionUse:
        headers += [f"{use.label}（{_('planned')}）", f"{use.label}（{_('spent')}）"]
    return headers


def distribution_row(income) -> list:
    by_use = {d.use: d for d in income.distributions.all()}
    row = []
    for use in DistributionUse:
        line = by_use.get(use.value)
        row += [line.planned if line else Decimal("0"), line.spent if line else Decimal("0")]
    return row
