import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.forms import PlaceInScopeMixin
from accounts.models import Department
from accounts.widgets import BootstrapFormMixin
from relocation.models import Member

from .models import (
    EmploymentRecord,
    HousingExtension,
    Measure,
    MeasureType,
    TrainingRecord,
    WelfarePost,
)

MAX_ATTACHMENT = 10 * 1024 * 1024
ATTACHMENT_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".xls", ".docx", ".doc", ".txt"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _departments():
    return Department.objects.filter(is_active=True)


class PlanForm(BootstrapFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Difficulties and aims"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Describe the household's difficulties and what the plan aims at.")},
    )
    cadre = forms.CharField(label=_("Cadre responsible (帮扶责任人)"), max_length=50, required=False)
    suggestions = forms.MultipleChoiceField(
        label=_("Suggested measures"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestion_objects = list(suggestions)
        self.fields["suggestions"].choices = [
            (str(s.pk), f"{s.get_measure_type_display()}：{s.description}（{s.department.short_name}）")
            for s in self.suggestion_objects
        ]
        self.fields["suggestions"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("suggestions") and not (cleaned.get("cadre") or "").strip():
            self.add_error("cadre", _("Name the cadre responsible (帮扶责任人) for the suggested measures."))
        return cleaned


class MeasureForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "measure_type", "description", "department", "cadre", "cadre_phone", "start_date", "end_date",
            "amount", "status", "outcome",
        ]  # fmt: skip
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()
        self.fields["measure_type"].choices = MeasureType.choices
        if creating:
            del self.fields["status"]
            del self.fields["outcome"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        if cleaned.get("status") == Measure.Status.DONE and not (cleaned.get("outcome") or "").strip():
            self.add_error("outcome", _("Say what the measure achieved before marking it done."))
        return cleaned


class MeasureReportForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in Measure.Status if s != Measure.Status.CANCELLED],
    )
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, max_digits=12, decimal_places=2, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Measure.Status.DONE and not (cleaned.get("outcome") or "").strip():
            self.add_error("outcome", _("Say what the measure achieved before marking it done."))
        return cleaned


class MemberChoiceMixin:
    def limit_members(self, household):
        self.fields["member"].queryset = Member.objects.filter(household=household)
        self.fields["member"].label_from_instance = lambda m: f"{m.name}（{m.get_relation_display()}）"


class EmploymentForm(MemberChoiceMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = EmploymentRecord
        fields = ["member", "kind", "employer", "job", "place", "start_date", "end_date", "monthly_income", "notes"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_members(household)


class EmploymentEndForm(BootstrapFormMixin, forms.Form):
    end_date = forms.DateField(label=_("Left the job on"), widget=DateInput())


class TrainingForm(MemberChoiceMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = [
            "member",
            "course",
            "kind",
            "organizer",
            "start_date",
            "end_date",
            "completed",
            "certificate",
            "subsidy",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_members(household)


class WelfarePostForm(PlaceInScopeMixin, BootstrapFormMixin, forms.ModelForm):
    holder_code = forms.CharField(
        label=_("Holder's household code"),
        required=False,
        max_length=30,
        help_text=_("Leave empty for a vacant post."),
    )
    holder_name = forms.CharField(label=_("Holder's name"), required=False, max_length=50)
    since = forms.DateField(label=_("Held since"), required=False, widget=DateInput())

    class Meta:
        model = WelfarePost
        fields = ["name", "kind", "township", "settlement", "monthly_pay", "is_active"]

    def __init__(self, *args, user, townships, settlements, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.limit_places(user, townships=townships, settlements=settlements)
        if self.instance.pk and self.instance.holder_id:
            holder = self.instance.holder
            self.initial.update(
                {"holder_code": holder.household.code, "holder_name": holder.name, "since": self.instance.holder_since}
            )

    def clean(self):
        from relocation.models import Household

        cleaned = super().clean()
        self.check_place(cleaned)
        code, name = (cleaned.get("holder_code") or "").strip(), (cleaned.get("holder_name") or "").strip()
        cleaned["holder"] = None
        if code or name:
            if not (code and name):
                raise ValidationError(_("Give both the household code and the name of the holder."))
            member = Member.objects.filter(
                household__in=Household.objects.for_user(self.user).values("pk"), household__code=code, name=name
            ).first()
            if member is None:
                self.add_error("holder_name", _("No member of that name in a household of that code that you can see."))
            elif not cleaned.get("since"):
                self.add_error("since", _("Give the date the holder took the post."))
            cleaned["holder"] = member
        return cleaned


FIGURE_LINE = re.compile(r"^\s*(?P<name>[^:：=]+?)\s*[:：=]\s*(?P<value>-?[\d,，.]+)\s*$")


class ProgressReportForm(BootstrapFormMixin, forms.Form):
    # Shown only to someone who files for several units (a department and a township, or two townships).
    assignment = forms.TypedChoiceField(label=_("Responsible unit"), coerce=int)
    period = forms.TypedChoiceField(label=_("Period"), coerce=str)
    text = forms.CharField(
        label=_("Progress made"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": _("Describe the progress made in this period.")},
    )
    figures = forms.CharField(
        label=_("Figures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, as “name: number”, e.g. “培训人次: 120”."),
    )

    def __init__(self, *args, periods, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = periods
        if units:
            self.fields["assignment"].choices = units
        else:
            del self.fields["assignment"]

    def clean_figures(self):
        figures = {}
        for number, line in enumerate((self.cleaned_data.get("figures") or "").splitlines(), start=1):
            if not line.strip():
                continue
            match = FIGURE_LINE.match(line)
            if not match:
                raise ValidationError(_("Line %(n)s is not “name: number”.") % {"n": number})
            try:
                value = Decimal(match["value"].replace(",", "").replace("，", ""))
            except InvalidOperation:
                raise ValidationError(_("Line %(n)s: the number cannot be read.") % {"n": number}) from None
            figures[match["name"].strip()[:60]] = int(value) if value == value.to_integral() else float(value)
        return figures


def check_attachments(files) -> list:
    """The uploaded files, refused with a clear message when too large or of a kind not accepted."""
    errors = []
    for f in files:
        suffix = ("." + f.name.rsplit(".", 1)[-1].lower()) if "." in f.name else ""
        if suffix not in ATTACHMENT_TYPES:
            errors.append(_("%(name)s: only PDF, pictures, Excel, Word or text files are accepted.") % {"name": f.name})
        elif f.size > MAX_ATTACHMENT:
            errors.append(_("%(name)s is larger than 10 MB.") % {"name": f.name})
    if errors:
        raise ValidationError(errors)
    return list(files)


class ReviewForm(BootstrapFormMixin, forms.Form):
    action = forms.ChoiceField(
        label=pgettext_lazy("report review", "Decision"), choices=[("accept", _("Accept")), ("return", _("Send back"))]
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HousingExtensionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = HousingExtension
        fields = [
            "applied_on", "funding_source", "planned_area", "estimated_cost", "income_proof", "income_proof_file",
            "savings_commitment",
        ]  # fmt: skip
        widgets = {"applied_on": DateInput(), "income_proof": forms.Textarea(attrs={"rows": 2})}


class DecisionForm(BootstrapFormMixin, forms.Form):
    agree = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Agree")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MeasureFilterForm(forms.Form):
    """The measure list's filters: every query parameter goes through a form; an unknown value is ignored."""

    status = forms.ChoiceField(required=False, choices=[("", "")])
    type = forms.ChoiceField(required=False, choices=[("", "")])

    def __init__(self, *args, **kwargs):
        from .models import Measure, MeasureType

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", ""), *Measure.Status.choices]
        self.fields["type"].choices = [("", ""), *MeasureType.choices]

    def value(self, name: str) -> str:
        """The cleaned value of one filter, or "" when it was absent or not one of the choices."""
        self.is_valid()
        return self.cleaned_data.get(name, "") if name not in self.errors else ""
