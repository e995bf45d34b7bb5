from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.validators import PhoneField


class Department(models.Model):
    """A district bureau or organisation answerable for policy measures (区直部门)."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Government bureau")
        PARTY = "party", _("Party organ")
        MASS = "mass", _("Mass organisation")
        OTHER = "other", _("Other unit")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    short_name = models.CharField(_("short name"), max_length=30)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BUREAU)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A member of staff. Role says what they may do; scope says whose data they may see."""

    class Role(models.TextChoices):
        TOWNSHIP_STAFF = "township_staff", _("Township staff")
        SETTLEMENT_STAFF = "settlement_staff", _("Settlement community staff")
        BUREAU_STAFF = "bureau_staff", _("Bureau staff")
        HEAD = "head", _("Bureau or district head")
        # 区防返贫监测办 (乡村振兴/农业农村): confirms identifications and eliminations, district-wide.
        DISTRICT_OFFICE = "district_office", _("District monitoring office")
        ADMIN = "admin", _("System administrator")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = PhoneField(_("phone"), blank=True)
    # Scope. A user with none of these sees no household data at all (fail closed).
    district_wide = models.BooleanField(
        _("district-wide scope"), default=False, help_text=_("Sees the data of every township and settlement.")
    )
    townships = models.ManyToManyField(
        "settlements.Township", verbose_name=_("townships"), blank=True, related_name="staff"
    )
    settlements = models.ManyToManyField(
        "settlements.Settlement", verbose_name=_("settlements"), blank=True, related_name="staff"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    # The portal speaks Simplified Chinese whatever the browser asks for; English only when the
    # user chose it in the menu (accounts.middleware.PortalLocaleMiddleware). Blank: the default.
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def can_see_personal_data(self) -> bool:
        """Whether full ID numbers and phones may be shown to this user."""
        return self.has_perm("relocation.view_personal_data")


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """Refused: an access record, once written, is never changed."""
        raise PermissionError("The access log is append-only.")

    def delete(self):
        """Refused: an access record is never deleted from the portal."""
        raise PermissionError("The access log is append-only.")


class AccessLog(models.Model):
    """Who saw or took personal data: each unmasking and each export. Written by code, never edited.

    Append-only three times over: the admin offers no change or delete, the model and its queryset
    refuse them, and on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0005).
    """

    class Action(models.TextChoices):
        UNMASK = "unmask", _("Viewed a full ID number or phone")
        EXPORT = "export", _("Exported data")
        IMPORT = "import", _("Imported data")
        VIEW = "view", _("Viewed a record")

    user = models.ForeignKey(User, verbose_name=_("user"), null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("personal-data access record")
        verbose_name_plural = _("personal-data access log")
        indexes = [
            # "Who viewed this record": the admin's filter by object.
            models.Index(fields=["object_type", "object_id"], name="accesslog_object"),
        ]

    def __str__(self):
        return f"{self.user} {self.get_action_display()} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")


class LoginSession(models.Model):
    """One signed-in session of a user, so that disabling the user can end all of them at once.

    Django's session table cannot be searched by user without decoding every row.
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    second_factor = models.BooleanField(_("second factor used"), default=False)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    def __str__(self):
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"


def log_access(user, action: str, obj=None, *, object_type: str = "", rows: int = 0, detail: str = "") -> AccessLog:
    """Record one access to personal data; ``obj`` names the record when there is one."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
    return AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None else "",
        rows=rows,
        detail=detail[:500],
    )
