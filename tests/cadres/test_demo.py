import io

import pytest
from django.core.management import call_command

from cadres.models import HouseholdCadre
from relocation.models import Household


@pytest.mark.django_db
def test_the_demo_pairs_demo_users_and_leaves_some_households_to_pair():
    call_command("seed_demo", stdout=io.StringIO())
    yangkou = HouseholdCadre.objects.filter(user__username="township_yangkou")
    assert yangkou.count() == 15 and yangkou.filter(household__township__name="洋口镇").count() == 15
    assert HouseholdCadre.objects.filter(user__isnull=True).exists()
    assert Household.objects.filter(cadre__isnull=True).exists()
    counts = (HouseholdCadre.objects.count(), HouseholdCadre.history.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (HouseholdCadre.objects.count(), HouseholdCadre.history.count()) == counts
