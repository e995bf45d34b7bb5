"""两不愁三保障 and drinking-water assessments: the service that records one, and its form.

Recorded on its own page or as a section of the visit form, pre-filled from the household's last
assessment; kept with history (each assessment is a new dated row). Screening reads the latest one
(``screening.assessment_rules_sql``) and elimination requires a current one (``elimination.py``).
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.widgets import BootstrapFormMixin
from relocation.models import Household, Member

from .forms import DateInput
from .models import Assessment, AssessmentMember

COMPULSORY_AGES = range(6, 16)  # compulsory education, normally 6-15
HOUSEHOLD_FIELDS = [
    "food_clothing_secured",
    "housing",
    "housing_source",
    "water_quantity_ok",
    "water_quality_ok",
    "water_convenient",
    "water_guaranteed",
]
S = AssessmentMember.Schooling
NEEDS_SCHOOL = {S.IN_SCHOOL, S.MAINSTREAM, S.SICK_LEAVE}


def age_on(member: Member, day: datetime.date) -> int:
    b = member.birth_date
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def latest_assessment(household: Household) -> Assessment | None:
    return (
        Assessment.objects.filter(household=household)
        .prefetch_related("members")
        .order_by("-assessed_on", "-pk")
        .first()
    )


@transaction.atomic
def assessment_record(
    *,
    household: Household,
    assessed_on: datetime.date,
    members: dict[int, dict],
    actor,
    visit=None,
    notes: str = "",
    **values,
) -> Assessment:
    """Record a dated assessment of the household and each member's schooling and medical insurance."""
    unknown = set(values) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"unknown assessment fields: {sorted(unknown)}")
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date of the assessment cannot be in the future.")})
    if values.get("housing", Assessment.Housing.SAFE) not in Assessment.Housing.values:
        raise ValidationError({"housing": _("Choose the housing safety.")})
    by_pk = {m.pk: m for m in Member.objects.filter(household=household)}
    errors = []
    for pk, row in members.items():
        member = by_pk.get(pk)
        if member is None:
            raise ValidationError(_("A member does not belong to this household."))
        if row.get("schooling") in NEEDS_SCHOOL and not (row.get("school") or "").strip():
            errors.append(_("%(name)s: name the school.") % {"name": member.name})
        if row.get("insured") and not row.get("insurance_year"):
            errors.append(_("%(name)s: give the year of the medical insurance.") % {"name": member.name})
    if errors:
        raise ValidationError(errors)
    assessment = Assessment.objects.create(
        household=household, assessed_on=assessed_on, visit=visit, notes=(notes or "").strip(), assessed_by=actor,
        **values,
    )  # fmt: skip
    AssessmentMember.objects.bulk_create(
        AssessmentMember(
            assessment=assessment,
            member_id=pk,
            schooling=row.get("schooling") or S.NOT_OF_AGE,
            school=(row.get("school") or "").strip()[:60],
            insured=bool(row.get("insured")),
            insurance_year=row.get("insurance_year") if row.get("insured") else None,
        )
        for pk, row in members.items()
    )
    return assessment


class AssessmentForm(BootstrapFormMixin, forms.Form):
    """The assessment, one row of fields per member; pre-filled from the last assessment."""

    assessed_on = forms.DateField(label=gettext_lazy("Date of the assessment"), widget=DateInput())
    food_clothing_secured = forms.BooleanField(label=gettext_lazy("Food and clothing secured"), required=False)
    housing = forms.ChoiceField(label=gettext_lazy("Housing safety"), choices=Assessment.Housing.choices)
    housing_source = forms.ChoiceField(
        label=gettext_lazy("Housing judged from"), choices=Assessment.HousingSource.choices
    )
    water_quantity_ok = forms.BooleanField(label=gettext_lazy("Water quantity sufficient"), required=False)
    water_quality_ok = forms.BooleanField(label=gettext_lazy("Water quality up to standard"), required=False)
    water_convenient = forms.BooleanField(label=gettext_lazy("Water conveniently reached"), required=False)
    water_guaranteed = forms.BooleanField(label=gettext_lazy("Supply guarantee rate met"), required=False)

    def __init__(self, *args, household: Household, **kwargs):
        self.members = list(Member.objects.filter(household=household).order_by("pk"))
        last = latest_assessment(household)
        today = timezone.localdate()
        initial = {"assessed_on": today, **{f: True for f in HOUSEHOLD_FIELDS if f.startswith(("water", "food"))}}
        if last is not None:
            initial.update({f: getattr(last, f) for f in HOUSEHOLD_FIELDS})
        rows = {r.member_id: r for r in (last.members.all() if last else [])}
        for m in self.members:
            row = rows.get(m.pk)
            of_age = age_on(m, today) in COMPULSORY_AGES
            initial[f"schooling_{m.pk}"] = row.schooling if row else (S.IN_SCHOOL if of_age else S.NOT_OF_AGE)
            initial[f"school_{m.pk}"] = row.school if row else ""
            initial[f"insured_{m.pk}"] = row.insured if row else True
            initial[f"insurance_year_{m.pk}"] = (row.insurance_year if row else None) or today.year
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for m in self.members:
            self.fields[f"schooling_{m.pk}"] = forms.ChoiceField(
                label=_("%(name)s: compulsory education") % {"name": m.name}, choices=S.choices
            )
            self.fields[f"school_{m.pk}"] = forms.CharField(
                label=_("%(name)s: school") % {"name": m.name}, required=False, max_length=60
            )
            self.fields[f"insured_{m.pk}"] = forms.BooleanField(
                label=_("%(name)s: basic medical insurance") % {"name": m.name}, required=False
            )
            self.fields[f"insurance_year_{m.pk}"] = forms.IntegerField(
                label=_("%(name)s: insurance year") % {"name": m.name}, required=False, min_value=2000, max_value=2100
            )
        from accounts.widgets import bootstrapify

        bootstrapify(self)

    def clean_assessed_on(self):
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of the assessment cannot be in the future."))
        return day

    def member_rows(self) -> dict[int, dict]:
        c = self.cleaned_data
        return {
            m.pk: {
                "schooling": c.get(f"schooling_{m.pk}"),
                "school": c.get(f"school_{m.pk}", ""),
                "insured": c.get(f"insured_{m.pk}"),
                "insurance_year": c.get(f"insurance_year_{m.pk}"),
            }
            for m in self.members
        }

    def household_values(self) -> dict:
        return {f: self.cleaned_data[f] for f in HOUSEHOLD_FIELDS}
