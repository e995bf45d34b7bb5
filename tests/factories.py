"""factory_boy factories shared by every test."""

import random
from datetime import date, timedelta

import factory

from accounts.models import Department, User
from relocation.idnumbers import check_digit
from relocation.models import Household, Member
from settlements.models import Settlement, Township, Village

_rng = random.Random(20261129)
_issued: set[str] = set()


def make_id_number(birth: str | None = None, area: str = "362322", sex: str = "M") -> str:
    """A valid ID number, unique in the test session, born on ``birth`` (YYYYMMDD) or on some day of 1960-1999.

    A birth date gives 500 numbers per sex; without one the date varies, so the supply never runs out.
    """
    for _ in range(2000):
        day = birth or (date(1960, 1, 1) + timedelta(days=_rng.randrange(0, 40 * 365))).strftime("%Y%m%d")
        seq = _rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
        body = f"{area}{day}{seq:03d}"
        number = body + check_digit(body)
        if number not in _issued:
            _issued.add(number)
            return number
    raise RuntimeError(f"no unused ID number left for birth date {birth}")


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ["code"]

    # Twelve digits however many townships a run creates (a longer code fails on PostgreSQL only).
    code = factory.Sequence(lambda n: f"361103{100 + n % 900:03d}{n // 900:03d}")
    name = factory.Sequence(lambda n: f"测试{n}镇")
    kind = Township.Kind.TOWN


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    code = factory.Sequence(lambda n: f"361103{500 + n // 100:03d}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"测试{n}村")


class SettlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Settlement

    code = factory.Sequence(lambda n: f"AZD{n:03d}")
    name = factory.Sequence(lambda n: f"测试{n}安置点")
    kind = Settlement.Kind.URBAN_LARGE
    township = factory.SubFactory(TownshipFactory)
    site_head = "点长甲"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"测试部门{n}")
    short_name = factory.LazyAttribute(lambda o: o.name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"干部{n}")
    role = User.Role.TOWNSHIP_STAFF
    password = factory.django.Password("test-pass-2026")

    @factory.post_generation
    def townships(self, create, extracted, **kwargs):
        if create and extracted:
            self.townships.set(extracted)

    @factory.post_generation
    def settlements(self, create, extracted, **kwargs):
        if create and extracted:
            self.settlements.set(extracted)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"GF-T-{n:05d}")
    head_name = factory.Sequence(lambda n: f"户主{n}")
    household_type = Household.Type.LIFTED
    township = factory.SubFactory(TownshipFactory)
    settlement = None
    resettlement = factory.LazyAttribute(
        lambda o: Household.Resettlement.CENTRALISED if o.settlement else Household.Resettlement.DISPERSED
    )
    placement = Household.Placement.APARTMENT
    relocation_year = 2018
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"成员{n}")
    id_number = factory.LazyFunction(make_id_number)
    relation = Member.Relation.HEAD
    labour_capacity = Member.Labour.ORDINARY
    willing_to_work = True
    employment = Member.Employment.LOCAL
    phone = factory.Sequence(lambda n: f"138{n:08d}")
