from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.widgets import BootstrapFormMixin
from portal.validators import PhoneFormField

from .rules import candidates_for


class CadreUserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.get_role_display()}）"


class CadreForm(BootstrapFormMixin, forms.Form):
    """Name a household's 帮扶责任人: a portal user of its township or site, or a person without an account."""

    user = CadreUserChoice(
        label=_("Portal user"),
        queryset=None,
        required=False,
        empty_label=_("— a cadre without a portal account —"),
        help_text=_("A cadre with an account finds the household under “My households”."),
    )
    name = forms.CharField(
        label=_("Name of the responsible cadre"),
        max_length=50,
        required=False,
        help_text=_("Required for a cadre without an account; a user's own name otherwise."),
    )
    unit = forms.CharField(label=_("Work unit"), max_length=60, required=False)
    phone = PhoneFormField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("A mobile number (11 digits) or a landline with its area code."),
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates_for(household)
