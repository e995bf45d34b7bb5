"""What every site ledger shares: a settlement site, the scope gate through it, who wrote the row."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scope import filter_for_user


class SiteLedgerQuerySet(models.QuerySet):
    def for_user(self, user):
        """Rows of the sites in the user's townships and of the sites assigned to the user."""
        return filter_for_user(self, user, township="settlement__township", settlement="settlement")

    def unscoped(self):
        """Every row: only for jobs that run outside any user's request (overdue flags)."""
        return self.all()


class SiteLedgerRecord(models.Model):
    """Abstract base of a ledger row kept for one settlement site."""

    settlement = models.ForeignKey(
        "settlements.Settlement", verbose_name=_("settlement site"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SiteLedgerQuerySet.as_manager()

    class Meta:
        abstract = True
