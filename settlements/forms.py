from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import PlaceInScopeMixin
from accounts.models import Department
from accounts.widgets import BootstrapFormMixin
from relocation.idnumbers import clean_text, normalize_phone
from relocation.models import Household

from .models import (
    CommunityActivity,
    DisputeMediation,
    DistributionUse,
    Facility,
    FacilityMaintenance,
    HazardPhoto,
    ProjectAsset,
    ResidentRequest,
    SafetyHazard,
    Settlement,
    Township,
)

MAX_PHOTO_BYTES = 8 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SiteLedgerForm(PlaceInScopeMixin, BootstrapFormMixin, forms.ModelForm):
    """A ledger row's form: the site is chosen among the user's own sites."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.limit_places(user)
        if "settlement" in self.fields:
            self.fields["settlement"].empty_label = _("— choose a site —")
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = DateInput(attrs=field.widget.attrs)
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)
            if name.endswith("phone"):
                field.widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def clean(self):
        cleaned = super().clean()
        self.check_place(cleaned)
        return cleaned


class HouseholdByCodeMixin:
    """A household named by its code, found only among the households the user may see.

    A select of every household would be thousands of options on a phone; staff know the code."""

    household_code = forms.CharField(
        label=_("Household code"),
        required=False,
        help_text=_("Leave empty if the record concerns no single household."),
    )

    def init_household_code(self):
        if self.instance.household_id:
            self.fields["household_code"].initial = self.instance.household.code

    def clean_household_code(self):
        code = clean_text(self.cleaned_data.get("household_code")).upper()
        if not code:
            return None
        household = Household.objects.for_user(self.user).filter(code=code).first()
        if household is None:
            raise forms.ValidationError(_("No household with this code in your area."))
        return household

    def _post_clean(self):
        self.instance.household = self.cleaned_data.get("household_code")
        super()._post_clean()


class FacilityForm(SiteLedgerForm):
    class Meta:
        model = Facility
        fields = [
            "settlement", "facility_type", "name", "location", "status", "maintainer", "maintainer_contact",
            "handed_over", "built_year", "notes",
        ]  # fmt: skip


class MaintenanceForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = FacilityMaintenance
        fields = ["date", "problem", "action", "cost", "done_by"]
        widgets = {"date": DateInput()}

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date


class HazardForm(HouseholdByCodeMixin, SiteLedgerForm):
    household_code = HouseholdByCodeMixin.household_code

    class Meta:
        model = SafetyHazard
        fields = [
            "settlement", "household_code", "hazard_type", "severity", "location", "description", "found_on",
            "found_by", "responsible_unit", "deadline",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_household_code()
        self.fields["household_code"].help_text = _(
            "For a hazard at a household's dwelling. A serious one goes to the monitoring queue as an alert."
        )


class RectifyForm(BootstrapFormMixin, forms.Form):
    rectified_on = forms.DateField(label=_("Rectified on"), widget=DateInput())
    rectification = forms.CharField(label=_("Rectification measures"), widget=forms.Textarea(attrs={"rows": 3}))


class HazardPhotoForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = HazardPhoto
        fields = ["image", "stage", "caption"]
        widgets = {
            "image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"})
        }

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is larger than 8 MB; take it again at a lower resolution."))
        return image


class ActivityForm(SiteLedgerForm):
    class Meta:
        model = CommunityActivity
        fields = ["settlement", "kind", "title", "date", "place", "organiser", "participants", "summary"]


class DisputeForm(SiteLedgerForm):
    class Meta:
        model = DisputeMediation
        fields = ["settlement", "kind", "date", "parties", "summary", "mediator", "outcome", "agreement", "closed_on"]


class RequestForm(HouseholdByCodeMixin, SiteLedgerForm):
    household_code = HouseholdByCodeMixin.household_code

    class Meta:
        model = ResidentRequest
        fields = [
            "settlement", "household_code", "requester", "requester_phone", "channel", "kind", "received_on",
            "content", "assigned_department", "assigned_township", "deadline",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_household_code()
        self.fields["assigned_department"].queryset = Department.objects.filter(is_active=True)
        # A request goes to a township the user works with; the access rule keeps other townships' names
        # out of a user's pages. District-wide staff may assign to any township.
        sites = Settlement.objects.for_user(self.user)
        self.fields["assigned_township"].queryset = (
            Township.objects.all()
            if self.user.is_superuser or self.user.district_wide
            else Township.objects.filter(Q(pk__in=sites.values("township")) | Q(staff=self.user)).distinct()
        )

    def clean_requester_phone(self):
        try:
            return normalize_phone(self.cleaned_data.get("requester_phone"))
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def clean(self):
        cleaned = super().clean()
        assigned = cleaned.get("assigned_department") or cleaned.get("assigned_township")
        if assigned and not cleaned.get("deadline"):
            self.add_error("deadline", _("An assigned request needs an answer deadline."))
        return cleaned


class AnswerForm(BootstrapFormMixin, forms.Form):
    answer = forms.CharField(label=_("Answer given to the resident"), widget=forms.Textarea(attrs={"rows": 4}))
    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput())


class CloseForm(BootstrapFormMixin, forms.Form):
    satisfaction = forms.ChoiceField(label=_("Resident's satisfaction"), choices=ResidentRequest.Satisfaction.choices)


class AssetForm(SiteLedgerForm):
    class Meta:
        model = ProjectAsset
        fields = [
            "settlement", "name", "kind", "registration_no", "registered_on", "owner", "manager", "funding_source",
            "value", "completed_year", "status", "notes",
        ]  # fmt: skip


class AssetIncomeForm(BootstrapFormMixin, forms.Form):
    """A year's income and its distribution: two amounts (planned, spent) for each of the eight uses."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    income = forms.DecimalField(label=_("Income of the year (yuan)"), min_value=0, max_digits=14, decimal_places=2)
    plan_approved_on = forms.DateField(label=_("Plan approved on"), required=False, widget=DateInput())
    plan_approved_by = forms.CharField(label=_("Approved by"), required=False, max_length=100)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for use in DistributionUse:
            for part, label in (("planned", _("planned")), ("spent", _("spent"))):
                self.fields[f"{part}_{use.value}"] = forms.DecimalField(
                    label=f"{use.label}（{label}）",
                    min_value=0,
                    max_digits=14,
                    decimal_places=2,
                    required=False,
                    initial=0,
                )
        from accounts.widgets import bootstrapify

        bootstrapify(self)

    def use_rows(self):
        """(use label, planned field, spent field) for the template's table."""
        return [(use.label, self[f"planned_{use.value}"], self[f"spent_{use.value}"]) for use in DistributionUse]

    def distributions(self) -> dict:
        data = self.cleaned_data
        return {
            use.value: (data.get(f"planned_{use.value}") or 0, data.get(f"spent_{use.value}") or 0)
            for use in DistributionUse
        }


class OrganisationForm(BootstrapFormMixin, forms.ModelForm):
    """A site's organisation (policy 二(五)1, 3): site head, first secretary, work team, organisations."""

    class Meta:
        model = Settlement
        fields = [
            "site_head", "site_head_phone", "first_secretary", "work_team", "party_organization",
            "self_governance_organization", "micro_fire_station", "police_room",
        ]  # fmt: skip
        widgets = {"work_team": forms.Textarea(attrs={"rows": 3})}
