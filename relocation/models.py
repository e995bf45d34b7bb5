from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.scope import scope_of
from portal.validators import PhoneField

from . import idnumbers


def household_scope_q(user, *, township: str = "township", settlement: str = "settlement", pk: str = "pk") -> Q | None:
    """The filter of the households a user may see (None: all), over lookups of any model that
    copies a household's place (``township``, ``settlement``) and id (``pk``)."""
    scope = scope_of(user)
    q = scope.q(township=township, settlement=settlement)
    if q is not None and scope.department_id:
        from assistance.selectors import household_ids_for_department

        q |= Q(**{f"{pk}__in": household_ids_for_department(scope.department_id)})
    return q


class FiguresQuerySetMixin:
    """``update()`` rewrites the dashboards' figures of what it changed, as a save does through its
    signal (for households, members, ledger entries and visits: ``dashboards.summary``)."""

    def update(self, **kwargs):
        from dashboards.summary import keeping_figures

        parent = super().update
        return keeping_figures(self, lambda: parent(**kwargs))


class HouseholdQuerySet(FiguresQuerySetMixin, models.QuerySet):
    def for_user(self, user):
        """Households the user may see: their townships and settlements, or, for bureau staff,
        the households their department has measures for. Nothing for a user with no scope."""
        q = household_scope_q(user)
        return self if q is None else self.filter(q)

    def unscoped(self):
        """Every household: only for jobs that run outside any user's request (screening)."""
        return self.all()


class Household(models.Model):
    """A relocated household (搬迁户)."""

    class Type(models.TextChoices):
        LIFTED = "lifted", _("Relocated and lifted out of poverty")
        ALONGSIDE = "alongside", _("Relocated alongside")

    class Placement(models.TextChoices):
        """The kind of dwelling (安置房类型); the attribute keeps its old name ``placement``."""

        HOMESTEAD = "homestead", _("One house, one homestead")
        APARTMENT = "apartment", _("Apartment")

    class Resettlement(models.TextChoices):
        """安置方式 as every county ledger and the national system record it."""

        CENTRALISED = "centralised", _("Centralised resettlement")
        DISPERSED = "dispersed", _("Dispersed resettlement")

    class ResettlementKind(models.TextChoices):
        """The sub-kinds of 安置方式; each belongs to one of the two forms (``RESETTLEMENT_OF``)."""

        NEAR_VILLAGE = "near_village", _("Centralised near the home village")
        NEW_VILLAGE = "new_village", _("New migrant village")
        TOWN_OR_PARK = "town_or_park", _("In a small town or industrial park")
        TOURISM = "tourism", _("In a rural tourism area")
        OTHER_CENTRALISED = "other_centralised", _("Other centralised resettlement")
        SCATTERED = "scattered", _("Scattered among existing villages")
        HOME_IN_TOWN = "home_in_town", _("Bought a home in town")
        RELATIVES = "relatives", _("Moved in with relatives or friends")
        OTHER_DISPERSED = "other_dispersed", _("Other dispersed resettlement")

    class Status(models.TextChoices):
        NORMAL = "normal", _("Normal")
        MONITORED = "monitored", _("Monitoring object")
        ELIMINATED = "eliminated", _("Risk eliminated")

    code = models.CharField(_("household code"), max_length=30, unique=True)
    head_name = models.CharField(_("head of household"), max_length=50)
    household_type = models.CharField(_("household type"), max_length=12, choices=Type.choices)
    township = models.ForeignKey(
        "settlements.Township", verbose_name=_("township"), on_delete=models.PROTECT, related_name="households"
    )
    village = models.ForeignKey(
        "settlements.Village",
        verbose_name=_("village or community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    settlement = models.ForeignKey(
        "settlements.Settlement",
        verbose_name=_("settlement site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    placement = models.CharField(_("housing type"), max_length=12, choices=Placement.choices)
    resettlement = models.CharField(_("resettlement form"), max_length=12, choices=Resettlement.choices)
    resettlement_kind = models.CharField(
        _("resettlement sub-kind"), max_length=20, choices=ResettlementKind.choices, blank=True
    )
    address = models.CharField(_("address"), max_length=120, blank=True)
    phone = PhoneField(_("contact phone"), blank=True)
    origin_township = models.CharField(_("origin township"), max_length=30, blank=True)
    origin_village = models.CharField(_("origin village"), max_length=30, blank=True)
    relocation_year = models.PositiveSmallIntegerField(
        _("relocation year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    housing_area = models.DecimalField(
        _("housing area (m²)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    certificate_issued = models.BooleanField(_("real-estate certificate issued"), default=False)
    certificate_date = models.DateField(_("certificate date"), null=True, blank=True)
    resale_restricted_until = models.DateField(_("resale restricted until"), null=True, blank=True)
    old_house_demolished = models.BooleanField(_("old house demolished"), default=False)
    land_reclaimed = models.BooleanField(_("old homestead reclaimed"), default=False)
    origin_farmland_mu = models.DecimalField(
        _("contracted farmland at origin (mu)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    origin_forest_mu = models.DecimalField(
        _("contracted forest land at origin (mu)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    origin_land_transferred = models.BooleanField(_("origin land transferred"), default=False)
    minimum_living_allowance = models.BooleanField(_("minimum living allowance (低保)"), default=False)
    extreme_poverty_support = models.BooleanField(_("extreme-poverty support (特困)"), default=False)
    status = models.CharField(_("monitoring status"), max_length=12, choices=Status.choices, default=Status.NORMAL)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Imports write these histories in bulk (exchange.bulk): no index on the code in the history
    # (looked up by the household's id, never by code) and no database-level check of the user of
    # each history row (Django still applies on_delete): half a million rows an import, each cost
    # an index entry and a foreign-key check. See docs/excel.md.
    history = HistoricalRecords(excluded_fields=["updated_at"], no_db_index=["code"], user_db_constraint=False)
    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            # The scoped household list: WHERE township_id IN (...) ORDER BY code.
            models.Index(fields=["township", "code"], name="household_township_code"),
            # Settlement staff's list and the settlement page's counts.
            models.Index(fields=["settlement", "status"], name="household_settlement_status"),
            # Incremental screening: households registered since the last run.
            models.Index(fields=["created_at"], name="household_created"),
        ]

    def __str__(self):
        return f"{self.head_name}（{self.code}）"

    def clean(self):
        errors = {}
        if self.settlement_id and self.township_id and self.settlement.township_id != self.township_id:
            errors["settlement"] = _("The settlement site belongs to another township.")
        if self.village_id and self.township_id and self.village.township_id != self.township_id:
            errors["village"] = _("The village belongs to another township.")
        form = RESETTLEMENT_OF.get(self.resettlement_kind)
        if form and self.resettlement and form != self.resettlement:
            message = _("This sub-kind belongs to %(form)s.")
            errors["resettlement_kind"] = message % {"form": self.Resettlement(form).label}
        if self.certificate_date and not self.certificate_issued:
            errors["certificate_issued"] = _("A certificate date is given, so the certificate has been issued.")
        if errors:
            raise ValidationError(errors)


_K = Household.ResettlementKind
# Which 安置方式 each sub-kind belongs to.
RESETTLEMENT_OF = {
    **dict.fromkeys(
        [_K.NEAR_VILLAGE, _K.NEW_VILLAGE, _K.TOWN_OR_PARK, _K.TOURISM, _K.OTHER_CENTRALISED],
        Household.Resettlement.CENTRALISED,
    ),
    **dict.fromkeys(
        [_K.SCATTERED, _K.HOME_IN_TOWN, _K.RELATIVES, _K.OTHER_DISPERSED], Household.Resettlement.DISPERSED
    ),
}


class HouseholdScopedQuerySet(models.QuerySet):
    """For any model with a ``household`` foreign key: its scope is its household's."""

    def for_user(self, user):
        """Rows of the households the user may see (the one scope gate, through Household)."""
        return self.filter(household__in=Household.objects.for_user(user).values("pk"))

    def unscoped(self):
        """Every row: only for jobs that run outside any user's request."""
        return self.all()


class MemberQuerySet(FiguresQuerySetMixin, HouseholdScopedQuerySet):
    """Members are reached through their household's scope."""


class Member(models.Model):
    """A member of a relocated household (家庭成员)."""

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        SON = "son", _("Son")
        DAUGHTER = "daughter", _("Daughter")
        PARENT = "parent", _("Parent")
        GRANDCHILD = "grandchild", _("Grandchild")
        SIBLING = "sibling", _("Sibling")
        CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
        OTHER = "other", _("Other relative")

    class Labour(models.TextChoices):
        NONE = "none", _("No labour capacity")
        WEAK = "weak", _("Weak labour capacity")
        ORDINARY = "ordinary", _("Ordinary labour")
        SKILLED = "skilled", _("Skilled labour")

    class Health(models.TextChoices):
        HEALTHY = "healthy", _("Healthy")
        CHRONIC = "chronic", _("Chronic illness")
        SERIOUS = "serious", _("Serious illness")
        DISABLED = "disabled", _("Disabled")

    class Schooling(models.TextChoices):
        NONE = "none", _("No schooling")
        PRESCHOOL = "preschool", _("Preschool")
        PRIMARY = "primary", _("Primary school")
        JUNIOR = "junior", _("Junior secondary")
        SENIOR = "senior", _("Senior secondary")
        VOCATIONAL = "vocational", _("Vocational school")
        COLLEGE = "college", _("College or above")

    class Employment(models.TextChoices):
        LOCAL = "local", _("Employed within the county")
        PROVINCE = "province", _("Employed in the province, outside the county")
        OUTSIDE = "outside", _("Employed outside the province")
        WELFARE_POST = "welfare_post", _("Public-welfare post")
        SELF_EMPLOYED = "self_employed", _("Self-employed")
        NOT_EMPLOYED = "not_employed", _("Not employed")

    EMPLOYED = [
        Employment.LOCAL,
        Employment.PROVINCE,
        Employment.OUTSIDE,
        Employment.WELFARE_POST,
        Employment.SELF_EMPLOYED,
    ]

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    birth_date = models.DateField(_("birth date"), editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)
    relation = models.CharField(_("relation to head"), max_length=14, choices=Relation.choices)
    labour_capacity = models.CharField(_("labour capacity"), max_length=10, choices=Labour.choices)
    willing_to_work = models.BooleanField(_("willing to work"), default=False)
    health = models.CharField(_("health"), max_length=10, choices=Health.choices, default=Health.HEALTHY)
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    schooling = models.CharField(_("schooling"), max_length=12, choices=Schooling.choices, blank=True)
    in_school = models.BooleanField(_("currently in school"), default=False)
    employment = models.CharField(
        _("employment"), max_length=14, choices=Employment.choices, default=Employment.NOT_EMPLOYED
    )
    employer = models.CharField(_("employer or workplace"), max_length=100, blank=True)
    phone = PhoneField(_("phone"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # As Household's history: written in bulk by imports, looked up by member id or household.
    history = HistoricalRecords(excluded_fields=["updated_at"], no_db_index=["id_number"], user_db_constraint=False)
    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["household", "pk"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        permissions = [("view_personal_data", _("Can see full ID numbers and phone numbers"))]
        indexes = [
            # Incremental screening: members changed since the last run (WHERE updated_at >= ?).
            models.Index(fields=["updated_at"], name="member_updated"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.derive_from_id_number()
        super().save(*args, **kwargs)

    def derive_from_id_number(self):
        """Birth date and sex follow from the ID number; they are never typed separately."""
        if self.id_number:
            self.birth_date = idnumbers.birth_date_of(self.id_number)
            self.sex = idnumbers.sex_of(self.id_number)

    def clean(self):
        errors = {}
        if self.id_number:
            try:
                self.id_number = idnumbers.normalize_id_number(self.id_number)
            except ValidationError as exc:
                errors["id_number"] = exc.messages
        if self.health == self.Health.DISABLED and not self.disability_grade:
            errors["disability_grade"] = _("Give the disability grade (1 to 4) of a disabled member.")
        if self.disability_grade and self.health != self.Health.DISABLED:
            errors["health"] = _("A member with a disability grade has the health status “disabled”.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_employed(self) -> bool:
        return self.employment in self.EMPLOYED

    @property
    def can_work(self) -> bool:
        """Able and willing to work: the members the at-least-one-employed goal counts."""
        return self.labour_capacity != self.Labour.NONE and self.willing_to_work

    @property
    def masked_id_number(self) -> str:
        return idnumbers.mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return idnumbers.mask_phone(self.phone)
