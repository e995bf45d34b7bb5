from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .widgets import BootstrapFormMixin


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The user name or password is wrong. After several failed attempts the account is locked for a while."
        ),
        "inactive": _("This account has been disabled. Ask the system administrator."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "form-control", "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"class": "form-control", "autocomplete": "current-password"})


class TokenForm(BootstrapFormMixin, forms.Form):
    """A six-digit code from the authenticator app."""

    token = forms.CharField(
        label=_("Six-digit code from the authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        token = "".join(ch for ch in self.cleaned_data["token"] if not ch.isspace())
        if not (token.isdigit() and len(token) == 6):
            raise forms.ValidationError(_("Enter the six digits the authenticator app shows."))
        return token
