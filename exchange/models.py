from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of


def import_path(instance, filename):
    """A random stored name in a dated folder (the uploaded name is kept in ``file_name`` for display)."""
    from django.utils import timezone

    from portal.files import random_name

    return random_name(f"exchange/{timezone.now():%Y/%m}", filename)


class ImportRecordQuerySet(models.QuerySet):
    def for_user(self, user):
        """Imports the user made; every import for a user whose scope is the whole district."""
        scope = scope_of(user)
        if scope.everything:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class ImportRecord(models.Model):
    """One uploaded workbook, from upload through preview to commit: who, when, which file, what it did."""

    class Kind(models.TextChoices):
        HOUSEHOLDS = "households", _("Households (with members)")
        MEMBERS = "members", _("Household members")
        LEDGERS = "ledgers", _("Monitoring ledgers")
        INCOMES = "incomes", _("Annual income accounting")
        CADRES = "cadres", _("Responsible cadres")
        FACILITIES = "facilities", _("Facility upkeep ledger")
        HAZARDS = "hazards", _("Safety hazard ledger")
        ACTIVITIES = "activities", _("Community activity ledger")
        REQUESTS = "requests", _("Residents' requests ledger")
        ASSETS = "assets", _("Project asset ledger")
        EMPLOYMENT = "employment", _("Employment records")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PREVIEWING = "previewing", _("Checking")
        PREVIEWED = "previewed", _("Checked, awaiting confirmation")
        REJECTED = "rejected", _("File refused")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=import_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    background = models.BooleanField(_("runs in the background"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_new = models.PositiveIntegerField(_("new rows"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated rows"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged rows"), default=0)
    rows_invalid = models.PositiveIntegerField(_("invalid rows"), default=0)
    # Per sheet: {"sheet", "kind", "header_row", "rows", "new", "updated", "unchanged", "invalid", "hidden"}.
    sheets = models.JSONField(_("sheets"), default=list, blank=True)
    # Every invalid cell: {"sheet", "row", "column", "message"}; row as Excel numbers it.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    previewed_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import record")
        verbose_name_plural = _("import records")
        indexes = [
            # "My imports" list: WHERE user_id = ? ORDER BY created_at DESC.
            models.Index(fields=["user", "-created_at"], name="importrecord_user_created"),
        ]

    def __str__(self):
        return f"{self.file_name}（{self.get_kind_display()}）"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PREVIEWING, self.Status.COMMITTING)

    @property
    def can_commit(self) -> bool:
        return (
            self.status == self.Status.PREVIEWED and self.rows_invalid == 0 and self.rows_total > 0 and bool(self.file)
        )

    @property
    def file_kept_until(self):
        """When the nightly job deletes the uploaded file (IMPORT_FILES_KEEP_DAYS after the last step)."""
        import datetime

        from django.conf import settings

        last_step = self.committed_at or self.previewed_at or self.created_at
        return last_step + datetime.timedelta(days=settings.IMPORT_FILES_KEEP_DAYS) if last_step else None

    @property
    def rows_changed(self) -> int:
        return self.rows_new + self.rows_updated


class ColumnMapping(models.Model):
    """What a township's workbooks mean by a column the portal did not recognise (「这一列是…」).

    Kept per township (none for district-wide staff), sheet kind and header row (its SHA-256): the
    next upload of a workbook with the same headers reads the column as that field.
    """

    township = models.ForeignKey(
        "settlements.Township", verbose_name=_("township"), null=True, blank=True, on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=12)
    headers_key = models.CharField(_("header row"), max_length=64)
    columns = models.JSONField(_("columns"), default=dict)  # header as the sheet spells it -> field
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(fields=["township", "kind", "headers_key"], name="column_mapping_unique"),
        ]

    def __str__(self):
        return f"{self.kind} {self.headers_key[:12]}"

    @staticmethod
    def township_of(user):
        """The township whose mappings a user's uploads use: their first, or None (district-wide)."""
        ids = sorted(scope_of(user).township_ids)
        return ids[0] if ids else None

    @classmethod
    def for_user(cls, user) -> dict:
        """(kind, headers_key) -> {header: field} of the user's township."""
        rows = cls.objects.filter(township_id=cls.township_of(user))
        return {(m.kind, m.headers_key): m.columns for m in rows}


class Reconciliation(models.Model):
    """One comparison of the portal with an export of the national 防返贫监测信息系统 (账账相符).

    Writes nothing to households: keeps who compared which file when, and what was found
    (``result``: per township the households only in the portal, only in the export, and those whose
    fields differ, see exchange/reconcile.py). ID numbers are masked when shown to a role that may
    not see them. The uploaded file itself is not kept.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compared by"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=200)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("compared at"), auto_now_add=True)
    national_households = models.PositiveIntegerField(_("households in the national export"), default=0)
    portal_households = models.PositiveIntegerField(_("households in the portal"), default=0)
    only_portal = models.PositiveIntegerField(_("only in the portal"), default=0)
    only_national = models.PositiveIntegerField(_("only in the national system"), default=0)
    different = models.PositiveIntegerField(_("with differing fields"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reconciliation with the national system")
        verbose_name_plural = _("reconciliations with the national system")

    def __str__(self):
        return f"{self.file_name} {self.created_at:%Y-%m-%d %H:%M}"
