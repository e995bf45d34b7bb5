"""The monitoring procedure as counties run it: identification and risk elimination as chains of dated
steps with their evidence, public notices with objections, and 两不愁三保障 / drinking-water assessments.

One generic step record per case and step (``CaseStep``) carries the kind, the date, who did it, what it
produced (``details``, uploads in ``StepEvidence``) and the result. Which steps make a chain, in which
order, and who may not do two of them are written once in ``monitoring/procedure.py``. Imported at the end
of ``monitoring/models.py``.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import filter_for_user
from relocation.models import Household, HouseholdScopedQuerySet


class Procedure(models.TextChoices):
    IDENTIFICATION = "identification", _("Identification")
    ELIMINATION = "elimination", _("Risk elimination")


class StepKind(models.TextChoices):
    CLUE = "clue", _("Clue")
    PROPOSAL = "proposal", _("Elimination proposal")
    HOUSEHOLD_CHECK = "household_check", _("Household check")
    CROSS_CHECK = "cross_check", _("Department cross-check")
    VILLAGE_REVIEW = "village_review", _("Village or community review")
    NOTICE = "notice", _("Public notice")
    TOWNSHIP_REVIEW = "township_review", _("Township review")
    DISTRICT_CONFIRMATION = "district_confirmation", _("District confirmation")


class StepQuerySet(models.QuerySet):
    def for_user(self, user):
        """Steps of the cases of the households the user may see."""
        return self.filter(case__household__in=Household.objects.for_user(user).values("pk"))


class CaseStep(models.Model):
    """One step of a case's identification or elimination: when, by whom, what it produced, the result."""

    class Result(models.TextChoices):
        PASSED = "passed", _("Done")
        FAILED = "failed", _("Not passed")
        NOT_NEEDED = "not_needed", _("Not needed")
        BEFORE_PROCEDURE = "before_procedure", _("Recorded before the procedure")

    case = models.ForeignKey(
        "monitoring.MonitoringCase", verbose_name=_("monitoring case"), on_delete=models.CASCADE, related_name="steps"
    )
    procedure = models.CharField(_("procedure"), max_length=14, choices=Procedure.choices)
    # A case may run the elimination more than once (a refused proposal, then a later one).
    run = models.PositiveSmallIntegerField(_("run"), default=1)
    kind = models.CharField(_("step"), max_length=24, choices=StepKind.choices)
    # Null only for steps a case never had because it was recorded before the procedure existed.
    done_on = models.DateField(_("date"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=18, choices=Result.choices, default=Result.PASSED)
    actors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), blank=True, related_name="monitoring_steps"
    )
    other_actors = models.CharField(_("others present"), max_length=100, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    notice = models.ForeignKey(
        "monitoring.PublicNotice",
        verbose_name=_("public notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="steps",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[actors])
    objects = StepQuerySet.as_manager()

    class Meta:
        ordering = ["case", "procedure", "run", "pk"]
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        constraints = [
            # A step is done once per run of a procedure; a second submit is refused, not duplicated.
            models.UniqueConstraint(fields=["case", "procedure", "run", "kind"], name="step_once_per_run"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.get_kind_display()} {self.done_on or ''}"

    @property
    def recorded_before(self) -> bool:
        return self.result == self.Result.BEFORE_PROCEDURE


class EvidenceQuerySet(models.QuerySet):
    def for_user(self, user):
        """Uploads of the cases of the households the user may see."""
        return self.filter(step__case__household__in=Household.objects.for_user(user).values("pk"))


def evidence_path(instance, filename):
    return f"procedure/{instance.step.case_id}/{instance.step_id}-{filename[-80:]}"


class StepEvidence(models.Model):
    """An upload a step produced: the signed authorisation, the minutes of a review, the elimination forms."""

    class Kind(models.TextChoices):
        AUTHORISATION = "authorisation", _("Signed authorisation for data queries (承诺授权书)")
        MINUTES = "minutes", _("Minutes of the review")
        ELIMINATION_FORMS = "elimination_forms", _("Elimination forms")
        OTHER = "other", _("Other evidence")

    step = models.ForeignKey(CaseStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("step evidence")
        verbose_name_plural = _("step evidence")

    def __str__(self):
        return self.original_name or self.file.name


class NoticeQuerySet(models.QuerySet):
    def for_user(self, user):
        """Notices of the user's townships and sites."""
        return filter_for_user(self, user, township="township", settlement="settlement")


class PublicNotice(models.Model):
    """A public notice (公示) posted in a village or at a site, listing the cases of one procedure."""

    procedure = models.CharField(_("procedure"), max_length=14, choices=Procedure.choices)
    township = models.ForeignKey(
        "settlements.Township", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "settlements.Village",
        verbose_name=_("village or community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    settlement = models.ForeignKey(
        "settlements.Settlement",
        verbose_name=_("settlement site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cases = models.ManyToManyField(
        "monitoring.MonitoringCase", verbose_name=_("cases"), related_name="notices", blank=False
    )
    starts_on = models.DateField(_("notice from"))
    ends_on = models.DateField(_("notice until"))
    office = models.CharField(_("office taking objections"), max_length=60)
    office_phone = models.CharField(_("phone for objections"), max_length=20)
    posted_on = models.DateField(_("put up on"), null=True, blank=True)
    taken_down_on = models.DateField(_("taken down on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn up by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[cases])
    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")

    def __str__(self):
        return f"{self.place_name} {self.starts_on:%Y-%m-%d}"

    @property
    def place_name(self) -> str:
        place = self.settlement or self.village or self.township
        return place.name

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class ObjectionOffice(models.Model):
    """The office that takes objections to a public notice and its phone, as the administrator sets them:
    one per township, and one without a township as the district's default. A notice is pre-filled with
    its township's, else the district's."""

    township = models.OneToOneField(
        "settlements.Township",
        verbose_name=_("township"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leave empty for the district's default, used where a township has none of its own."),
    )
    office = models.CharField(_("office taking objections"), max_length=60)
    office_phone = models.CharField(
        _("phone for objections"),
        max_length=20,
        validators=[
            RegexValidator(r"^[0-9][0-9\-]{5,19}$", _("Enter a phone number of digits and dashes, e.g. 0793-2600000."))
        ],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["township__code"]
        verbose_name = _("office taking objections")
        verbose_name_plural = _("offices taking objections")
        constraints = [
            # One district default (the row without a township); a township has one through its OneToOne.
            models.UniqueConstraint(
                Coalesce("township", Value(0)),
                name="one_objection_office_per_place",
                violation_error_message=_("There is already an office taking objections for this place."),
            )
        ]

    def __str__(self):
        place = self.township.name if self.township_id else _("District default")
        return f"{place}：{self.office} {self.office_phone}"

    @classmethod
    def for_township(cls, township_id) -> "ObjectionOffice | None":
        """The township's office, else the district's default, else None."""
        offices = {
            o.township_id: o for o in cls.objects.filter(models.Q(township_id=township_id) | models.Q(township=None))
        }
        return offices.get(township_id) or offices.get(None)


class ObjectionQuerySet(models.QuerySet):
    def for_user(self, user):
        """Objections to the notices of the user's townships and sites."""
        return self.filter(notice__in=PublicNotice.objects.for_user(user).values("pk"))


class Objection(models.Model):
    """An objection raised against a case during its notice, and how it was resolved."""

    class Outcome(models.TextChoices):
        UNFOUNDED = "unfounded", _("Checked: unfounded, the case goes on")
        UPHELD = "upheld", _("Checked: founded, the case does not pass")

    notice = models.ForeignKey(
        PublicNotice, verbose_name=_("public notice"), on_delete=models.CASCADE, related_name="objections"
    )
    case = models.ForeignKey(
        "monitoring.MonitoringCase", verbose_name=_("monitoring case"), on_delete=models.CASCADE, related_name="+"
    )
    raised_on = models.DateField(_("raised on"))
    raised_by = models.CharField(_("raised by"), max_length=50)
    content = models.TextField(_("objection"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    resolution = models.TextField(_("how it was checked and resolved"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = ObjectionQuerySet.as_manager()

    class Meta:
        ordering = ["raised_on", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self):
        return f"{self.raised_by} {self.raised_on}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class Assessment(models.Model):
    """A dated 两不愁三保障 and drinking-water assessment of a household (from a visit or its own page)."""

    class Housing(models.TextChoices):
        SAFE = "safe", _("Safe")
        GRADE_A = "A", _("Appraised grade A")
        GRADE_B = "B", _("Appraised grade B")
        GRADE_C = "C", _("Appraised grade C (unsafe)")
        GRADE_D = "D", _("Appraised grade D (unsafe)")
        RENOVATING = "renovating", _("Under renovation")

    class HousingSource(models.TextChoices):
        APPRAISAL = "appraisal", _("Appraisal")
        VISIT = "visit", _("Seen on a visit")

    SAFE_HOUSING = {Housing.SAFE, Housing.GRADE_A, Housing.GRADE_B}

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField(_("assessed on"))
    food_clothing_secured = models.BooleanField(_("food and clothing secured (不愁吃、不愁穿)"), default=True)
    housing = models.CharField(_("housing safety"), max_length=10, choices=Housing.choices, default=Housing.SAFE)
    housing_source = models.CharField(
        _("housing judged from"), max_length=10, choices=HousingSource.choices, default=HousingSource.VISIT
    )
    water_quantity_ok = models.BooleanField(_("water quantity sufficient"), default=True)
    water_quality_ok = models.BooleanField(_("water quality up to standard"), default=True)
    water_convenient = models.BooleanField(_("water conveniently reached"), default=True)
    water_guaranteed = models.BooleanField(_("supply guarantee rate met"), default=True)
    visit = models.ForeignKey(
        "monitoring.Visit", verbose_name=_("visit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = HouseholdScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("两不愁三保障 assessment")
        verbose_name_plural = _("两不愁三保障 assessments")
        indexes = [
            # The household's latest assessment (forms are pre-filled from it; screening reads it).
            models.Index(fields=["household", "-assessed_on"], name="assessment_household_latest"),
        ]

    def __str__(self):
        return f"{self.household_id} {self.assessed_on}"

    @property
    def housing_safe(self) -> bool:
        return self.housing in self.SAFE_HOUSING

    @property
    def all_insured(self) -> bool:
        return all(r.insured for r in self.members.all())

    @property
    def water_safe(self) -> bool:
        return self.water_quantity_ok and self.water_quality_ok and self.water_convenient and self.water_guaranteed


class AssessmentMember(models.Model):
    """One member's compulsory education and basic medical insurance in an assessment."""

    class Schooling(models.TextChoices):
        NOT_OF_AGE = "not_of_age", _("Not of compulsory-school age")
        IN_SCHOOL = "in_school", _("In school")
        DROPPED_OUT = "dropped_out", _("Dropped out")
        HOME_TEACHING = "home_teaching", _("Taught at home (送教上门)")
        MAINSTREAM = "mainstream", _("In a mainstream class (随班就读)")
        SICK_LEAVE = "sick_leave", _("Suspended for illness (因病休学)")

    SECURED_SCHOOLING = {
        Schooling.NOT_OF_AGE,
        Schooling.IN_SCHOOL,
        Schooling.HOME_TEACHING,
        Schooling.MAINSTREAM,
        Schooling.SICK_LEAVE,
    }

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="members"
    )
    member = models.ForeignKey(
        "relocation.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="assessments"
    )
    schooling = models.CharField(
        _("compulsory education"), max_length=14, choices=Schooling.choices, default=Schooling.NOT_OF_AGE
    )
    school = models.CharField(_("school"), max_length=60, blank=True)
    insured = models.BooleanField(_("insured (basic medical insurance)"), default=True)
    insurance_year = models.PositiveSmallIntegerField(_("insurance year"), null=True, blank=True)

    class Meta:
        ordering = ["assessment", "pk"]
        verbose_name = _("member in an assessment")
        verbose_name_plural = _("members in an assessment")
        constraints = [models.UniqueConstraint(fields=["assessment", "member"], name="assessment_member_once")]

    def __str__(self):
        return f"{self.assessment_id}:{self.member_id}"
