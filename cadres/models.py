"""Each household's responsible cadre (帮扶责任人): the person paired with it (结对帮扶) who visits it
and answers for it — a portal user, or a named person without an account."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.validators import PhoneField
from relocation.models import Household, HouseholdScopedQuerySet


class HouseholdCadreQuerySet(HouseholdScopedQuerySet):
    def of_cadre(self, user):
        """The households paired with this portal user (their 我的户)."""
        return self.filter(user=user)


class HouseholdCadre(models.Model):
    """Who answers for a household (帮扶责任人). One row per household; its history keeps every
    earlier cadre, who assigned them and when."""

    household = models.OneToOneField(
        Household, verbose_name=_("household"), primary_key=True, on_delete=models.CASCADE, related_name="cadre"
    )
    # A cadre with a portal account sees the household under 我的户; one without is named only.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre_households",
    )
    name = models.CharField(_("name of the responsible cadre"), max_length=50)
    phone = PhoneField(_("phone"), blank=True)
    unit = models.CharField(_("work unit"), max_length=60, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now=True)

    history = HistoricalRecords()
    objects = HouseholdCadreQuerySet.as_manager()

    class Meta:
        ordering = ["household"]
        verbose_name = _("responsible cadre")
        verbose_name_plural = _("responsible cadres")

    def __str__(self):
        return self.name

    @property
    def has_account(self) -> bool:
        return self.user_id is not None
