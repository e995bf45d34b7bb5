from django import forms
from django.apps import apps
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .scope import covers, outside_scope_message, scope_of
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


class PlaceInScopeMixin:
    """A form with a ``township`` and/or ``settlement`` field whose row must stay inside the user's scope.

    The choices are the user's own townships and sites; a user of one township (or of one site, for site
    staff, or of a township with one site where the form requires a site) finds it preselected;
    site staff must choose one of their sites (a row with no site would leave
    their scope); and :meth:`check_place` refuses a place the user does not cover (issue 20, item 6).
    Call :meth:`limit_places` at the end of ``__init__`` and :meth:`check_place` in ``clean``.
    """

    def limit_places(self, user, *, townships=None, settlements=None):
        from settlements.models import Settlement, Township

        self.place_user = user
        scope = scope_of(user)
        site_staff = not scope.everything and not scope.township_ids
        if "township" in self.fields:
            self.fields["township"].queryset = townships if townships is not None else Township.objects.for_user(user)
        if "settlement" in self.fields:
            field = self.fields["settlement"]
            field.queryset = (
                settlements if settlements is not None else Settlement.objects.for_user(user).select_related("township")
            )
            if site_staff:
                field.required = True
                field.empty_label = _("— choose a site —")
        new = getattr(getattr(self, "instance", None), "pk", None) is None
        if self.is_bound or not new:
            return
        for name in ("township", "settlement"):
            if name not in self.fields:
                continue
            optional_site = name == "settlement" and not site_staff and not self.fields[name].required
            if self.initial.get(name) or optional_site:
                continue
            options = list(self.fields[name].queryset.values_list("pk", flat=True)[:2])
            if len(options) == 1:
                self.initial[name] = options[0]
        if "township" in self.fields and not self.initial.get("township") and self.initial.get("settlement"):
            # The initial site may come from a link (?settlement=N): only one of the user's own counts.
            site = self.fields["settlement"].queryset.filter(pk=self.initial["settlement"]).first()
            if site is not None:
                self.initial["township"] = site.township_id

    def check_place(self, cleaned):
        """Refuse a township and site that would put the row outside the user's scope."""
        instance = getattr(self, "instance", None)
        township = cleaned.get("township") if "township" in self.fields else getattr(instance, "township", None)
        settlement = cleaned.get("settlement") if "settlement" in self.fields else getattr(instance, "settlement", None)
        if any(name in self.errors for name in ("township", "settlement")):
            return
        if township is None and settlement is None:
            return
        township_id = township.pk if township is not None else settlement.township_id
        settlement_id = settlement.pk if settlement is not None else None
        if not covers(self.place_user, township_id=township_id, settlement_id=settlement_id):
            self.add_error("settlement" if "settlement" in self.fields else "township", outside_scope_message())


def single_places(user, *, every_row_has_a_site: bool = False) -> set[str]:
    """The place filters ("township", "settlement") that have one option for this user and so stand
    chosen instead of "全部" (issue 15, item 7). District-wide users and bureau staff keep 全部.

    Read from the user's scope, without a query (a list page's query count stays flat), except a
    site worker's one township. The site filter is chosen for township staff only on lists whose
    every row has a site (the site ledgers): on the household and alert lists a township's dispersed
    households have none, and a chosen site would hide them whenever the filter is submitted.
    """
    scope = scope_of(user)
    if scope.everything or scope.department_id or scope.is_empty:
        return set()
    settlements = apps.get_model("settlements", "Settlement").objects  # settlements sits above accounts
    chosen = set()
    if scope.township_ids:
        if len(scope.township_ids) == 1:
            chosen.add("township")
    elif settlements.filter(pk__in=scope.settlement_ids).values("township").distinct().count() == 1:
        chosen.add("township")
    if scope.township_ids and every_row_has_a_site:
        one_site = settlements.filter(scope.q(township="township", settlement="pk")).count() == 1
        if one_site:
            chosen.add("settlement")
    elif not scope.township_ids and len(scope.settlement_ids) == 1:
        chosen.add("settlement")
    return chosen


def choose_single_place(form, user, names=("township", "settlement"), *, every_row_has_a_site=False) -> None:
    """A list filter of a user with one township (or one site): that place stands chosen (see single_places)."""
    for name in single_places(user, every_row_has_a_site=every_row_has_a_site) & set(names):
        field = form.fields.get(name)
        if isinstance(field, forms.ModelChoiceField):
            field.empty_label = None
