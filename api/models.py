"""API tokens: one per system of a unit (a bureau or a township), created by an administrator.

A token acts through its own service account (``ApiToken.account``), made when the token is created:
staff of the token's department (bureau_staff) or of its township (township_staff). The account's
role and scope are what every API call is checked against, through the same ``for_user`` gate and
permissions as the pages; the token's own ``scopes`` narrow further which parts of the API it may call.
The key is shown once, when created, and only its SHA-256 is stored.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "gfp_"


class Scope(models.TextChoices):
    READ = "read", _("Read households, members, alerts, cases and rosters")
    VISITS = "visits", _("Record visits")
    LEDGERS = "ledgers", _("Save monthly ledgers")
    CASES = "cases", _("Act on alerts and cases")
    ROSTERS = "rosters", _("Push department rosters")
    REPORTS = "reports", _("File policy-task progress reports")
    PERSONAL = "personal", _("See full ID numbers and phones (each look is logged)")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, account__is_active=True)


class ApiToken(models.Model):
    name = models.CharField(
        _("system name"), max_length=60, help_text=_("The system that uses it, e.g. 民政局低保系统.")
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    township = models.ForeignKey(
        "settlements.Township", verbose_name=_("township"), null=True, blank=True, on_delete=models.PROTECT
    )
    scopes = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(_("key prefix"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="api_token",
        editable=False,
    )
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=True, township__isnull=False)
                | models.Q(department__isnull=False, township__isnull=True),
                name="apitoken_one_unit",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def unit(self):
        return self.department or self.township

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and self.account.is_active

    def clean(self):
        if bool(self.department_id) == bool(self.township_id):
            raise ValidationError(_("Choose either a department or a township, not both and not neither."))
        unknown = [s for s in self.scopes or [] if s not in Scope.values]
        if unknown or not self.scopes:
            raise ValidationError({"scopes": _("Choose at least one scope.")})


def token_create(*, name: str, scopes: list[str], expires_at, actor, department=None, township=None):
    """Make a token and its service account; returns (token, key). The key is never stored nor shown again."""
    from django.db import transaction

    from accounts.models import User

    key = KEY_PREFIX + secrets.token_urlsafe(32)
    prefix = key[len(KEY_PREFIX) : len(KEY_PREFIX) + 8]
    with transaction.atomic():
        account = User(
            username=f"api-{prefix}",
            full_name=f"接口：{name}"[:50],
            role=User.Role.BUREAU_STAFF if department else User.Role.TOWNSHIP_STAFF,
            department=department,
        )
        account.set_unusable_password()
        account.save()
        if township is not None:
            account.townships.set([township])
        token = ApiToken(
            name=name,
            department=department,
            township=township,
            scopes=list(scopes),
            prefix=prefix,
            key_hash=hash_key(key),
            account=account,
            expires_at=expires_at,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        token.full_clean(exclude=["account", "created_by"])
        token.save()
    return token, key


def token_revoke(*, token: ApiToken, actor=None) -> ApiToken:
    """Revoke at once: the next call with this key gets 401. The service account is kept for the history."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
