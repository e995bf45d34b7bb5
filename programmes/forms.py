from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import PlaceInScopeMixin
from accounts.widgets import BootstrapFormMixin
from assistance.models import TrainingRecord
from relocation.idnumbers import clean_text, mask_id_number
from relocation.models import Member
from settlements.forms import DateInput, HouseholdByCodeMixin
from settlements.models import ProjectAsset

from .models import (
    BenefitLink,
    FundAllocation,
    LibraryProject,
    Loan,
    LoanExtension,
    LoanRepayment,
    Product,
    ReliefProject,
    ReliefWorker,
    SalesChannel,
    SalesRecord,
    Workshop,
    WorkshopWorker,
)


def _polish(form):
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            field.widget = DateInput(attrs=field.widget.attrs)
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.setdefault("rows", 3)


class ProgrammeForm(PlaceInScopeMixin, BootstrapFormMixin, forms.ModelForm):
    """A programme ledger row's form: townships and sites are chosen among the user's own."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.limit_places(user)
        if "township" in self.fields:
            self.fields["township"].empty_label = _("— choose a township —")
        if "settlement" in self.fields:
            self.fields["settlement"].empty_label = (
                _("— choose a site —") if self.fields["settlement"].required else _("— no single site —")
            )
        _polish(self)

    def clean(self):
        cleaned = super().clean()
        self.check_place(cleaned)
        return cleaned


class MemberByIdNumberMixin:
    """A member named by their ID number, found only among the members of relocated households the user may see."""

    def init_member(self, user):
        self.user = user
        id_field = forms.CharField(
            label=_("ID number"),
            max_length=20,
            help_text=_("The member's 18-digit resident ID number, as in the household register."),
            widget=forms.TextInput(attrs={"autocomplete": "off", "class": "form-control"}),
        )
        self.fields = {"id_number": id_field, **self.fields}
        if getattr(self.instance, "member_id", None):
            # Editing: the number is not shown again (it may be masked for this user); empty keeps the member.
            id_field.required = False
            id_field.help_text = _("Now: %(name)s, %(id)s. Leave empty to keep this member.") % {
                "name": self.instance.member.name,
                "id": mask_id_number(self.instance.member.id_number),
            }

    def clean_id_number(self):
        value = clean_text(self.cleaned_data.get("id_number")).upper()
        if not value and getattr(self.instance, "member_id", None):
            return self.instance.member
        member = Member.objects.for_user(self.user).filter(id_number=value).select_related("household").first()
        if member is None:
            raise forms.ValidationError(
                _("No member of a relocated household in your area has this ID number."), code="not_a_member"
            )
        return member

    def _post_clean(self):
        member = self.cleaned_data.get("id_number")
        if member is not None:
            self.instance.member = member
            self.instance.household = member.household
        super()._post_clean()


class WorkshopForm(ProgrammeForm):
    class Meta:
        model = Workshop
        fields = [
            "settlement", "name", "kind", "operator", "industry", "recognised_on", "subsidy", "contact",
            "is_active", "notes",
        ]  # fmt: skip


class WorkshopWorkerForm(MemberByIdNumberMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = WorkshopWorker
        fields = ["job", "start_date", "monthly_wage"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_member(user)
        _polish(self)


class WorkshopWorkerEditForm(WorkshopWorkerForm):
    """A worker's row corrected: the last day too."""

    class Meta(WorkshopWorkerForm.Meta):
        fields = ["job", "start_date", "end_date", "monthly_wage"]


class WorkerLeaveForm(BootstrapFormMixin, forms.Form):
    end_date = forms.DateField(label=_("Last day at work"), widget=DateInput())


class ReliefProjectForm(ProgrammeForm):
    class Meta:
        model = ReliefProject
        fields = [
            "township", "settlement", "name", "owner_unit", "year", "investment", "labour_remuneration",
            "start_date", "end_date", "total_workers", "status", "notes",
        ]  # fmt: skip


class ReliefWorkerForm(MemberByIdNumberMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ReliefWorker
        fields = ["first_day", "last_day", "days_worked", "wages_paid", "paid_on"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_member(user)
        _polish(self)


class LoanForm(MemberByIdNumberMixin, ProgrammeForm):
    class Meta:
        model = Loan
        fields = [
            "kind", "bank", "contract_no", "amount", "annual_rate", "interest_subsidised", "start_date",
            "term_months", "purpose", "status",
        ]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.init_member(user)


class RepaymentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = LoanRepayment
        fields = ["paid_on", "principal", "interest"]
        widgets = {"paid_on": DateInput()}

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return paid_on


class ExtensionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = LoanExtension
        fields = ["kind", "approved_on", "new_due_date", "reason"]
        widgets = {"approved_on": DateInput(), "new_due_date": DateInput()}


class ProductForm(ProgrammeForm):
    class Meta:
        model = Product
        fields = ["settlement", "name", "industry", "maker", "certification", "unit", "notes"]


class SalesChannelForm(ProgrammeForm):
    """A site's own sales channel; the administrator may also keep district-wide ones (no site)."""

    class Meta:
        model = SalesChannel
        fields = ["settlement", "kind", "name", "operator", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not user.has_perm("programmes.view_programmesettings"):  # not the administrator: a site of one's own
            self.fields["settlement"].required = True
            self.fields["settlement"].empty_label = _("— choose a site —")


class SalesRecordForm(ProgrammeForm):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    class Meta:
        model = SalesRecord
        fields = ["product", "channel", "month", "quantity", "amount", "buyer"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["product"].queryset = Product.objects.for_user(user).select_related("settlement")
        self.fields["channel"].queryset = SalesChannel.objects.for_user(user).filter(is_active=True)
        self.fields["month"].widget = forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m")

    def clean(self):
        cleaned = super().clean()
        product, channel = cleaned.get("product"), cleaned.get("channel")
        if product and channel and channel.settlement_id and channel.settlement_id != product.settlement_id:
            self.add_error(
                "channel",
                _("This channel is %(site)s's own: it does not sell the products of another site.")
                % {"site": channel.settlement.name},
            )
        return cleaned

    def clean_month(self):
        month = self.cleaned_data["month"].replace(day=1)
        if month > timezone.localdate():
            raise forms.ValidationError(_("The month cannot be in the future."))
        return month


class BenefitLinkForm(HouseholdByCodeMixin, ProgrammeForm):
    household_code = forms.CharField(label=_("Household code"))

    class Meta:
        model = BenefitLink
        fields = [
            "household_code", "kind", "counterparty", "area_mu", "yearly_income", "start_date", "end_date", "notes",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_household_code()

    def clean_household_code(self):
        household = super().clean_household_code()
        if household is None:
            raise forms.ValidationError(_("Give the household's code."))
        return household


class LibraryProjectForm(ProgrammeForm):
    class Meta:
        model = LibraryProject
        fields = [
            "township", "settlement", "name", "kind", "year", "planned_amount", "main_source", "owner_unit",
            "beneficiaries", "status", "completed_on", "accepted_on", "asset", "notes",
        ]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["asset"].queryset = ProjectAsset.objects.for_user(user).select_related("settlement")
        self.fields["asset"].help_text = _(
            "Once the project is completed: the asset it produced, from the assets ledger."
        )


class AllocationForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = FundAllocation
        fields = ["source", "allocated_on", "document_no", "allocated", "spent"]
        widgets = {"allocated_on": DateInput()}


class TrainingForm(MemberByIdNumberMixin, ProgrammeForm):
    class Meta:
        model = TrainingRecord
        fields = ["course", "kind", "organizer", "start_date", "end_date", "completed", "certificate", "subsidy"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.init_member(user)
