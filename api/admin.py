from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Scope, token_create, token_revoke


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiToken
        fields = ["name", "department", "township", "scopes", "expires_at"]

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("department")) == bool(cleaned.get("township")):
            raise forms.ValidationError(_("Choose either a department or a township, not both and not neither."))
        expires = cleaned.get("expires_at")
        if expires and expires <= timezone.now():
            self.add_error("expires_at", _("The expiry must be in the future."))
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made here; the key is shown once in the message after saving and never again."""

    form = ApiTokenForm
    list_display = ["name", "prefix", "department", "township", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["department", "township"]
    readonly_fields = ["prefix", "account", "last_used_at", "revoked_at", "created_by", "created_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # a token's unit and scopes are fixed: make a new one instead
            return [*self.readonly_fields, "name", "department", "township", "scopes", "expires_at"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the access log keeps pointing at the token's account

    def save_model(self, request, obj, form, change):
        if change:
            return
        c = form.cleaned_data
        token, key = token_create(
            name=c["name"],
            department=c.get("department"),
            township=c.get("township"),
            scopes=c["scopes"],
            expires_at=c["expires_at"],
            actor=request.user,
        )
        obj.pk, obj.prefix, obj.account_id = token.pk, token.prefix, token.account_id
        messages.warning(
            request,
            _("The token's key, shown only this once: %(key)s — copy it now into the system that uses it.")
            % {"key": key},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(token=token, actor=request.user)
        messages.success(request, _("%(n)s tokens revoked.") % {"n": queryset.count()})
