import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.widgets import BootstrapFormMixin
from portal.validators import validate_past_month
from relocation.models import Member

from .models import Alert, AnnualIncome, Application, DepartmentRoster, LedgerEntry, MonitoringCase, RiskType


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (the browser's month picker), stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def clean(self, value):
        day = super().clean(value)
        return day.replace(day=1) if day else day


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > 6:
            raise forms.ValidationError(_("At most 6 photos per visit."))
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


AMOUNT = {"required": False, "min_value": 0, "max_digits": 12, "decimal_places": 2}


class DismissForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for dismissing"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class IdentifyForm(BootstrapFormMixin, forms.Form):
    object_type = forms.ChoiceField(label=_("Type of monitoring object"), choices=MonitoringCase.ObjectType.choices)
    risk_types = forms.MultipleChoiceField(
        label=_("Risk types"),
        choices=RiskType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one risk type.")},
    )
    discovery_channel = forms.ChoiceField(label=_("Discovery channel"), choices=MonitoringCase.Channel.choices)
    identified_at = forms.DateField(label=_("Date of the clue"), widget=DateInput())
    fast_lane = forms.BooleanField(
        label=_("Fast lane (绿色通道): help starts now, identification completes afterwards"),
        required=False,
        help_text=_("Only for a household in sudden severe difficulty (突发严重困难户)."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For the fast lane, say what sudden hardship the household faces."),
    )

    CHANNEL_OF_RULE = {
        Alert.Rule.SELF_APPLICATION: MonitoringCase.Channel.SELF_APPLICATION,
        Alert.Rule.ROSTER_HIT: MonitoringCase.Channel.DEPARTMENT_SCREENING,
        Alert.Rule.CADRE_CHECK: MonitoringCase.Channel.CADRE_CHECK,
        Alert.Rule.HAZARD: MonitoringCase.Channel.CADRE_CHECK,
        Alert.Rule.LOAN_OVERDUE: MonitoringCase.Channel.DEPARTMENT_SCREENING,
    }

    # The risk an alert's rule points to, ticked in advance (the cadre may change it).
    RISK_OF_RULE = {
        "medical_expense": RiskType.ILLNESS,
        "schooling_expense": RiskType.SCHOOLING,
        "out_of_school": RiskType.SCHOOLING,
        "uninsured": RiskType.ILLNESS,
        "unsafe_housing": RiskType.HOUSING_SAFETY,
        "unsafe_water": RiskType.DRINKING_WATER,
    }

    def __init__(self, *args, alert: Alert, **kwargs):
        risk = self.RISK_OF_RULE.get(alert.rule)
        kwargs.setdefault(
            "initial",
            {
                "risk_types": [risk] if risk else [],
                "identified_at": timezone.localdate(),
                "discovery_channel": self.CHANNEL_OF_RULE.get(alert.rule, MonitoringCase.Channel.SYSTEM_SCREENING),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["risk_types"].widget.attrs["class"] = "form-check-input"
        # Only the object types the household's kind allows (monitoring/procedure.py).
        from .procedure import allowed_object_types

        allowed = allowed_object_types(alert.household)
        self.fields["object_type"].choices = [c for c in MonitoringCase.ObjectType.choices if c[0] in allowed]

    def clean_identified_at(self):
        day = self.cleaned_data["identified_at"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of the clue cannot be in the future."))
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("fast_lane") and cleaned.get("object_type"):
            from .procedure import check_fast_lane

            try:
                check_fast_lane(cleaned["object_type"], True)
            except ValidationError as exc:
                self.add_error("fast_lane", exc.message_dict["fast_lane"])
        return cleaned


class NoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class VisitForm(BootstrapFormMixin, forms.Form):
    """The phone form at the door: findings first, figures optional, members' employment as found."""

    visited_on = forms.DateField(label=_("Visit date"), widget=DateInput())
    other_visitors = forms.CharField(label=_("Other visitors"), required=False, max_length=100)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    difficulties = forms.CharField(label=_("Difficulties"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    wage_income = forms.DecimalField(label=_("Wage income this month (yuan)"), **AMOUNT)
    business_income = forms.DecimalField(label=_("Production and business income this month (yuan)"), **AMOUNT)
    transfer_income = forms.DecimalField(label=_("Transfer income this month (yuan)"), **AMOUNT)
    medical_expense = forms.DecimalField(label=_("Medical expense this month (yuan)"), **AMOUNT)
    schooling_expense = forms.DecimalField(label=_("Schooling expense this month (yuan)"), **AMOUNT)
    photos = MultiplePhotoField(label=_("Photos"), required=False)
    next_visit_on = forms.DateField(
        label=_("Next visit"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to use the interval the administrator set for this household's status."),
    )

    def __init__(self, *args, members, **kwargs):
        kwargs.setdefault("initial", {"visited_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for m in self.members:
            self.fields[f"employment_{m.pk}"] = forms.ChoiceField(
                label=_("Employment of %(name)s") % {"name": m.name},
                choices=Member.Employment.choices,
                initial=m.employment,
            )
        for name in ("wage_income", "business_income", "transfer_income", "medical_expense", "schooling_expense"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        self.order_fields(
            ["visited_on", "other_visitors", "findings", "difficulties"] + [f"employment_{m.pk}" for m in self.members]
        )

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The visit date cannot be in the future."))
        if day < timezone.localdate() - datetime.timedelta(days=366):
            raise forms.ValidationError(_("The visit date is more than a year ago."))
        return day

    def clean(self):
        cleaned = super().clean()
        visited, nxt = cleaned.get("visited_on"), cleaned.get("next_visit_on")
        if visited and nxt and nxt <= visited:
            self.add_error("next_visit_on", _("The next visit must come after this one."))
        return cleaned

    def member_employment(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"employment_{m.pk}"] for m in self.members}

    def ledger(self) -> dict:
        names = ("wage_income", "business_income", "transfer_income", "medical_expense", "schooling_expense")
        return {n: self.cleaned_data.get(n) for n in names if self.cleaned_data.get(n) is not None}


class LedgerEntryForm(BootstrapFormMixin, forms.ModelForm):
    period = MonthField(label=_("Month"), widget=forms.HiddenInput)
    # The month's figures as they were when the form was opened (services.ledger_version): a save
    # over a month somebody changed in between is refused rather than silently overwriting it.
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = LedgerEntry
        fields = [
            "period",
            "household_size",
            "wage_income",
            "business_income",
            "property_income",
            "transfer_income",
            "production_cost",
            "medical_expense",
            "schooling_expense",
            "community_integration",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def clean_period(self):
        period = self.cleaned_data["period"]
        validate_past_month(period)  # portal/validators.py: 1949 or later, not a month that has not begun
        return period

    def validate_unique(self):
        # The service updates the month's entry when there is one: no "already exists" error.
        pass


class LedgerMonthForm(BootstrapFormMixin, forms.Form):
    """First step of a ledger entry: the month, so that an existing month opens with its figures."""

    period = MonthField(label=_("Month"))

    def clean_period(self):
        period = self.cleaned_data["period"]
        validate_past_month(period)  # portal/validators.py: 1949 or later, not a month that has not begun
        return period


class ApplicationForm(BootstrapFormMixin, forms.ModelForm):
    risk_types = forms.MultipleChoiceField(
        label=_("Risk types"), choices=RiskType.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Application
        fields = ["channel", "applied_on", "applicant", "description", "risk_types"]
        widgets = {"applied_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"applied_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["risk_types"].widget.attrs["class"] = "form-check-input"

    def clean_applied_on(self):
        day = self.cleaned_data["applied_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of application cannot be in the future."))
        return day


class RosterUploadForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    fact = forms.ChoiceField(label=_("What the roster records"), choices=DepartmentRoster.Fact.choices)
    period = forms.DateField(label=_("Data as of"), widget=DateInput())
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("First sheet, a header row with 身份证号 and optionally 姓名, 情况说明, 金额."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_period(self):
        day = self.cleaned_data["period"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx)."))
        return upload


class AnnualIncomeForm(BootstrapFormMixin, forms.ModelForm):
    """The year's income accounting of one household (年度收入核算), in yuan for the whole year."""

    class Meta:
        model = AnnualIncome
        fields = [
            "year",
            "household_size",
            "wage_income",
            "business_income",
            "property_income",
            "transfer_income",
            "production_cost",
            "medical_expense",
            "schooling_expense",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("The accounting year cannot be in the future."))
        return year

    def validate_unique(self):
        # The service updates the year's accounting when there is one: no "already exists" error.
        pass
