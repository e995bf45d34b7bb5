from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.forms import PlaceInScopeMixin
from accounts.widgets import BootstrapFormMixin, mask_field
from settlements.models import Village

from . import idnumbers
from .models import Household, Member


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class HouseholdForm(PlaceInScopeMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = [
            "code", "head_name", "household_type", "township", "village", "settlement", "resettlement",
            "resettlement_kind", "placement",
            "address", "phone", "origin_township", "origin_village", "relocation_year", "housing_area",
            "certificate_issued", "certificate_date", "resale_restricted_until", "old_house_demolished",
            "land_reclaimed", "origin_farmland_mu", "origin_forest_mu", "origin_land_transferred",
            "minimum_living_allowance", "extreme_poverty_support", "notes",
        ]  # fmt: skip
        widgets = {
            "certificate_date": DateInput(),
            "resale_restricted_until": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.limit_places(user)
        self.fields["village"].queryset = Village.objects.filter(township__in=self.fields["township"].queryset)
        if self.instance.pk and self.instance.phone:
            # Shown masked, with the logged "显示" for roles allowed full numbers (issue 20, item 10).
            reveal = (
                reverse("relocation:household_reveal", kwargs={"household_pk": self.instance.pk, "field": "phone"})
                if user.can_see_personal_data()
                else ""
            )
            mask_field(self, "phone", mask=idnumbers.mask_phone, stored=self.instance.phone, reveal_url=reveal)

    def clean_phone(self):
        try:
            return idnumbers.normalize_phone(self.cleaned_data.get("phone"))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def clean_code(self):
        return idnumbers.clean_text(self.cleaned_data["code"]).upper()

    def clean(self):
        cleaned = super().clean()
        # A household must stay where its writer can see it: no site outside their scope, and site staff
        # may not leave the site empty (the household would leave their scope and 404 for them).
        self.check_place(cleaned)
        return cleaned


class MemberForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "name", "id_number", "relation", "labour_capacity", "willing_to_work", "health", "disability_grade",
            "schooling", "in_school", "employment", "employer", "phone",
        ]  # fmt: skip

    def __init__(self, *args, household: Household, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.user = user
        self.instance.household = household
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel"})
        if self.instance.pk:
            # Shown masked, with the logged "显示" for roles allowed full numbers (issue 20, item 10).
            full = user is not None and user.can_see_personal_data()
            for name, mask in (("id_number", idnumbers.mask_id_number), ("phone", idnumbers.mask_phone)):
                stored = getattr(self.instance, name)
                if not stored:
                    continue
                kwargs = {"household_pk": household.pk, "member_pk": self.instance.pk, "field": name}
                reveal = reverse("relocation:member_reveal", kwargs=kwargs) if full else ""
                mask_field(self, name, mask=mask, stored=stored, reveal_url=reveal)

    def clean_id_number(self):
        try:
            number = idnumbers.normalize_id_number(self.cleaned_data.get("id_number"))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        clash = Member.objects.filter(id_number=number).exclude(pk=self.instance.pk)
        if clash.exists():
            visible = (
                self.user is not None and clash.filter(household__in=Household.objects.for_user(self.user)).exists()
            )
            if visible:
                raise ValidationError(_("This ID number is already registered for another member in your area."))
            # Say neither that the number exists nor where: it may be in a township this user cannot see.
            raise ValidationError(
                _("This ID number is not in your area or does not exist: it cannot be registered here."),
                code="not_in_area",
            )
        return number

    def clean_phone(self):
        try:
            return idnumbers.normalize_phone(self.cleaned_data.get("phone"))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def validate_unique(self):
        # id_number uniqueness is checked in clean_id_number with a message that reveals nothing.
        exclude = self._get_validation_exclusions()
        exclude.add("id_number")
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as e:
            self._update_errors(e)
