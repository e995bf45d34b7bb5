"""群众诉求处理台账: residents' requests and complaints, assigned, answered, rated and closed."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import scope_of
from portal.validators import PhoneField

from .base import SiteLedgerQuerySet, SiteLedgerRecord


class ResidentRequestQuerySet(SiteLedgerQuerySet):
    def for_user(self, user):
        """Requests of the user's sites and townships, those assigned to the user's townships,
        and, for bureau staff, those assigned to their department."""
        scope = scope_of(user)
        q = scope.q(township="settlement__township", settlement="settlement")
        if q is None:
            return self
        if scope.township_ids:
            q |= Q(assigned_township_id__in=scope.township_ids)
        if scope.department_id:
            q |= Q(assigned_department_id=scope.department_id)
        return self.filter(q)

    def open(self):
        """Requests not closed yet."""
        return self.exclude(status=ResidentRequest.Status.CLOSED)

    def overdue(self, today: datetime.date | None = None):
        """Unanswered requests whose deadline has passed."""
        today = today or timezone.localdate()
        return self.filter(
            status__in=[ResidentRequest.Status.RECEIVED, ResidentRequest.Status.ASSIGNED], deadline__lt=today
        )


class ResidentRequest(SiteLedgerRecord):
    """A resident's request or complaint (群众诉求) received at or about a site."""

    class Channel(models.TextChoices):
        VISIT = "visit", _("In person at the service centre")
        PHONE = "phone", _("Telephone")
        HOTLINE = "hotline", _("12345 hotline")
        DOOR = "door", _("Raised during a home visit")
        ONLINE = "online", _("Online or WeChat")
        LETTER = "letter", _("Letter or petition")
        OTHER = "other", _("Other")

    class Kind(models.TextChoices):
        REQUEST = "request", _("Request for help")
        COMPLAINT = "complaint", _("Complaint")
        CONSULTATION = "consultation", _("Consultation")
        SUGGESTION = "suggestion", _("Suggestion")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Not satisfied")
        UNREACHABLE = "unreachable", _("Could not be reached")

    household = models.ForeignKey(
        "relocation.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requester = models.CharField(_("requester"), max_length=50)
    requester_phone = PhoneField(_("requester phone"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REQUEST)
    received_on = models.DateField(_("received on"))
    content = models.TextField(_("content"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    assigned_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("assigned to department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_township = models.ForeignKey(
        "settlements.Township",
        verbose_name=_("assigned to township"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    deadline = models.DateField(_("answer deadline"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set by the overdue job, cleared when the request is answered or its deadline moved.
    overdue_since = models.DateTimeField(_("flagged overdue at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ResidentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("resident request")
        verbose_name_plural = _("resident requests")
        # Bureau staff answer the requests assigned to them without the right to rewrite them.
        permissions = [("answer_residentrequest", _("Can answer residents' requests"))]
        indexes = [
            models.Index(fields=["settlement", "received_on"], name="request_site_received"),
            # Bureau staff's list: WHERE assigned_department_id = ?.
            models.Index(fields=["assigned_department", "status"], name="request_department_status"),
            # The overdue job: unanswered requests by deadline.
            models.Index(fields=["status", "deadline"], name="request_status_deadline"),
        ]

    def __str__(self):
        return f"{self.requester} {self.received_on:%Y-%m-%d}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in (self.Status.RECEIVED, self.Status.ASSIGNED)
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )

    @property
    def assignee(self) -> str:
        return str(self.assigned_department or self.assigned_township or "")

    def clean(self):
        errors = {}
        if self.received_on and self.received_on > timezone.localdate():
            errors["received_on"] = _("The date received cannot be in the future.")
        if self.deadline and self.received_on and self.deadline < self.received_on:
            errors["deadline"] = _("The answer deadline cannot be before the day the request was received.")
        if self.assigned_department_id and self.assigned_township_id:
            errors["assigned_township"] = _("Assign the request to a department or to a township, not both.")
        if self.household_id and self.settlement_id and self.household.settlement_id != self.settlement_id:
            errors["household"] = _("This household does not live in the selected settlement site.")
        if errors:
            raise ValidationError(errors)
