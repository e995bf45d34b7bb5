"""Forms of the procedure's steps and notices; made for a phone at the household's door."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.widgets import BootstrapFormMixin

from .forms import DateInput, MultipleFileInput
from .models import MonitoringCase, Objection, ObjectionOffice
from .procedure import CROSS_CHECK_ITEMS

MAX_UPLOAD = 20 * 1024 * 1024
EVIDENCE_TYPES = (".jpg", ".jpeg", ".png", ".pdf", ".heic", ".webp", ".doc", ".docx")


class EvidenceField(forms.FileField):
    """One or more scans or photos (a phone camera is offered)."""

    widget = MultipleFileInput(attrs={"accept": "image/*,.pdf,.doc,.docx"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > 10:
            raise forms.ValidationError(_("At most 10 files at a time."))
        for f in files:
            if not f.name.lower().endswith(EVIDENCE_TYPES):
                raise forms.ValidationError(_("%(name)s: upload a photo, a PDF or a Word file.") % {"name": f.name})
            if f.size > MAX_UPLOAD:
                raise forms.ValidationError(_("%(name)s is larger than 20 MB.") % {"name": f.name})
        return [super(EvidenceField, self).clean(f, initial) for f in files]


def _today():
    return timezone.localdate()


class StepForm(BootstrapFormMixin, forms.Form):
    done_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=_today)

    def clean_done_on(self):
        day = self.cleaned_data["done_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of a step cannot be in the future."))
        return day


def staff_for(household):
    """Staff who may take part in a household check: township staff of its township, site staff of its site."""
    q = User.objects.filter(is_active=True, role=User.Role.TOWNSHIP_STAFF, townships=household.township_id)
    if household.settlement_id:
        q = q | User.objects.filter(
            is_active=True, role=User.Role.SETTLEMENT_STAFF, settlements=household.settlement_id
        )
    return q.distinct().order_by("full_name", "username")


class HouseholdCheckForm(StepForm):
    actors = forms.ModelMultipleChoiceField(
        label=_("Staff who went with you"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("At least two staff check a household: you and at least one more."),
    )
    other_actors = forms.CharField(
        label=_("Others present (village cadres…)"),
        max_length=100,
        required=False,
        help_text=_("Names separated by 、"),
    )
    findings = forms.CharField(label=_("What the check found"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = EvidenceField(label=_("Signed authorisation for data queries (承诺授权书): scan or photo"))

    def __init__(self, *args, case: MonitoringCase, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actors"].queryset = staff_for(case.household).exclude(pk=user.pk)
        self.fields["actors"].widget.attrs["class"] = "form-check-input"
        if case.procedure == "elimination":
            self.fields["evidence"].label = _("Elimination forms, signed: scan or photo")
        self.fields["evidence"].widget.attrs["capture"] = "environment"


class CrossCheckForm(StepForm):
    not_needed_reason = forms.CharField(
        label=_("Not needed, because"),
        required=False,
        max_length=500,
        help_text=_("Only when no bureau's data needs checking for this household."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in CROSS_CHECK_ITEMS:
            self.fields[f"item_{key}"] = forms.CharField(
                label=label, required=False, max_length=300, help_text=_("What the bureau's data said")
            )
        self.order_fields(["done_on", *[f"item_{k}" for k, _ in CROSS_CHECK_ITEMS], "not_needed_reason"])

    def findings(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(f"item_{k}", "") for k, _ in CROSS_CHECK_ITEMS}


DECISION = [("pass", _("Passed")), ("fail", _("Not passed"))]


class VillageReviewForm(StepForm):
    participants = forms.IntegerField(label=_("Participants"), min_value=1, max_value=999)
    decision = forms.ChoiceField(label=_("Result"), choices=DECISION, widget=forms.RadioSelect)
    minutes = EvidenceField(label=_("Minutes of the review: scan or photo"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class DecisionForm(StepForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when not passed: say why."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class ProposalForm(StepForm):
    note = forms.CharField(label=_("Why the risk is gone"), widget=forms.Textarea(attrs={"rows": 3}))


class NoticeForm(BootstrapFormMixin, forms.Form):
    cases = forms.ModelMultipleChoiceField(
        label=_("Households on the notice"), queryset=MonitoringCase.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(label=_("Notice from"), widget=DateInput(), initial=_today)
    ends_on = forms.DateField(label=_("Notice until"), widget=DateInput())
    office = forms.CharField(
        label=_("Office taking objections"),
        max_length=60,
        required=False,
        help_text=_("Filled in from the office set for the township (an administrator edits it under 受理异议单位)."),
    )
    office_phone = forms.CharField(label=_("Phone for objections"), max_length=20, required=False)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        # Pre-filled with the office set for the township of the waiting cases, else the district's default.
        townships = set(cases.order_by().values_list("household__township_id", flat=True).distinct()[:2])
        preset = ObjectionOffice.for_township(townships.pop() if len(townships) == 1 else None)
        if preset is not None:
            self.fields["office"].initial = preset.office
            self.fields["office_phone"].initial = preset.office_phone
        self.fields["cases"].queryset = cases
        self.fields["cases"].label_from_instance = lambda c: f"{c.household.head_name}（{c.household.code}）"
        self.fields["cases"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The notice cannot end before it starts."))
        return cleaned


class TakeDownForm(BootstrapFormMixin, forms.Form):
    taken_down_on = forms.DateField(label=_("Taken down on"), widget=DateInput(), initial=_today)


class ObjectionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["case", "raised_on", "raised_by", "content"]
        widgets = {"raised_on": DateInput(), "content": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, notice, **kwargs):
        kwargs.setdefault("initial", {"raised_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = notice.cases.select_related("household")
        self.fields["case"].label_from_instance = lambda c: c.household.head_name


class ResolveForm(BootstrapFormMixin, forms.Form):
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DateInput(), initial=_today)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Objection.Outcome.choices)
    resolution = forms.CharField(label=_("How it was checked"), widget=forms.Textarea(attrs={"rows": 2}))
