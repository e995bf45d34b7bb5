import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from accounts.models import User
from relocation import demo, idnumbers
from relocation.models import Household, Member
from settlements.models import Settlement, Township, Village
from settlements.places import ensure_places

HOUSEHOLDS = list(demo.iter_households(300))
MEMBERS = [member for household in HOUSEHOLDS for member in household["members"]]


def test_every_id_number_is_valid_and_unique():
    for member in MEMBERS:
        assert idnumbers.normalize_id_number(member["id_number"]) == member["id_number"]
    assert len({m["id_number"] for m in MEMBERS}) == len(MEMBERS)


def test_birth_date_and_sex_agree_with_the_id_number():
    for member in MEMBERS:
        assert member["birth_date"] == idnumbers.birth_date_of(member["id_number"])
        assert member["sex"] == ("M" if int(member["id_number"][16]) % 2 else "F")


def test_heads_are_35_to_75_and_older_than_their_children():
    for household in HOUSEHOLDS:
        head = household["members"][0]
        assert head["relation"] == Member.Relation.HEAD
        age = demo.REFERENCE_DATE.year - head["birth_date"].year
        assert 35 <= age <= 76
        for member in household["members"]:
            if member["relation"] in (Member.Relation.SON, Member.Relation.DAUGHTER, Member.Relation.GRANDCHILD):
                assert member["birth_date"] > head["birth_date"]
            if member["relation"] == Member.Relation.PARENT:
                assert member["birth_date"] < head["birth_date"]


def test_it_is_the_same_for_the_same_seed_and_differs_for_another():
    assert list(demo.iter_households(300)) == HOUSEHOLDS
    assert list(demo.iter_households(20, seed=1)) != list(demo.iter_households(20))


def test_household_codes_are_unique_and_name_the_township():
    codes = [h["code"] for h in HOUSEHOLDS]
    assert len(set(codes)) == len(codes)
    for household in HOUSEHOLDS:
        assert household["code"].startswith(f"GF-{household['township_code'][6:9]}-")


def test_there_are_a_few_zero_employment_households():
    zero = [h for h in HOUSEHOLDS if demo.is_zero_employment(h)]
    assert 1 <= len(zero) <= 30


def test_disabled_members_have_a_grade_and_only_they():
    for member in MEMBERS:
        assert (member["health"] == Member.Health.DISABLED) == (member["disability_grade"] is not None)


def test_resale_is_restricted_five_years_after_the_certificate():
    issued = [h for h in HOUSEHOLDS if h["certificate_issued"]]
    assert len(issued) > len(HOUSEHOLDS) / 2
    for household in issued:
        assert household["resale_restricted_until"].year == household["certificate_date"].year + 5
    for household in HOUSEHOLDS:
        assert household["housing_area"] <= demo.HOUSING_AREA_CAP


@pytest.mark.django_db
def test_places_are_the_23_townships_of_the_district():
    townships = ensure_places()
    assert len(townships) == 23
    assert Counter(t.kind for t in townships) == {
        Township.Kind.SUBDISTRICT: 5,
        Township.Kind.TOWN: 15,
        Township.Kind.TOWNSHIP: 3,
    }
    for township in townships:
        assert township.code.startswith("361103") and township.code.endswith("000")
        assert 3 <= township.villages.count() <= 6
    assert all(v.code[:9] == v.township.code[:9] for v in Village.objects.select_related("township"))


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo district, seeded once for this module's tests and rolled back after the last of them
    (each test runs in a savepoint inside it); the value is what seed_demo printed."""
    printed = io.StringIO()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", stdout=printed)
            yield printed.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _counts():
    models = [Township, Village, Settlement, Settlement.history.model, Household, Household.history.model, Member]
    models += [Member.history.model, User]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_seed_demo_twice_leaves_the_same_counts(seeded):
    first = _counts()
    passwords = dict(User.objects.values_list("username", "password"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == first
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert first["Household"] == 300
    assert 3.5 <= first["Member"] / first["Household"] <= 4.5


@pytest.mark.django_db
def test_seed_demo_stores_what_the_generator_made(seeded):
    for member in Member.objects.all():
        assert member.birth_date == idnumbers.birth_date_of(member.id_number)
        assert member.sex == idnumbers.sex_of(member.id_number)
    zero = [
        h
        for h in Household.objects.prefetch_related("members")
        if any(m.can_work for m in h.members.all()) and not any(m.is_employed for m in h.members.all())
    ]
    assert zero


@pytest.mark.django_db
def test_each_role_has_a_demo_user_who_can_log_in(seeded):
    for role in User.Role:
        user = User.objects.filter(role=role).first()
        assert user is not None, role
        assert user.check_password(demo.DEMO_PASSWORD)
        assert user.full_name
    assert list(User.objects.get(username="township_yongfeng").townships.values_list("name", flat=True)) == ["永丰街道"]
    assert list(User.objects.get(username="township_yangkou").townships.values_list("name", flat=True)) == ["洋口镇"]
    assert User.objects.get(username="settlement_chengdong").settlements.get().code == "AZD-001"
    assert User.objects.get(role=User.Role.BUREAU_STAFF).department.code == "rsj"
    assert User.objects.get(role=User.Role.HEAD).district_wide
    admin = User.objects.get(role=User.Role.ADMIN)
    assert admin.district_wide and admin.is_staff and admin.is_superuser


@pytest.mark.django_db
def test_settlements_belong_to_the_townships_stated(seeded):
    stated = {
        "城东安置小区": "永丰街道",
        "洋口镇幸福家园安置点": "洋口镇",
        "横山镇塘湾安置点": "横山镇",
        "大南镇古城安置点": "大南镇",
        "铜钹山镇集镇安置点": "铜钹山镇",
        "嵩峰乡分散安置": "嵩峰乡",
    }
    assert dict(Settlement.objects.values_list("name", "township__name")) == stated
    for settlement in Settlement.objects.exclude(kind=Settlement.Kind.DISPERSED):
        assert settlement.village.township_id == settlement.township_id
        assert settlement.site_head and settlement.first_secretary and settlement.party_organization
    for household in Household.objects.select_related("settlement", "village"):
        household.full_clean()
        assert household.settlement.township_id == household.township_id


@pytest.mark.django_db
def test_the_biggest_site_is_in_the_township_of_township_yongfeng(seeded):
    biggest = max(Settlement.objects.all(), key=lambda s: s.households.count())
    assert biggest.township.name == "永丰街道"


@pytest.mark.django_db
def test_it_prints_the_logins_and_says_the_data_is_made_up(seeded):
    out = seeded
    assert "演示数据均为虚构" in out
    for username in ("township_yongfeng", "township_yangkou", "bureau_rsj", "admin"):
        assert username in out
    assert "demo-pass-2026" in out and "乡镇干部" in out and "人力资源和社会保障局" in out
