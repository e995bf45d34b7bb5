"""Services refuse a write that would leave its row outside the writer's scope (issue 20, item 6).

The forms limit the choices (tests/test_access_matrix.py posts them); these call the services directly,
as an admin action, a task or a future view would.
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from assistance.models import WelfarePost
from assistance.services import welfare_post_assign
from programmes.services import record_save
from relocation.models import Household
from relocation.services import household_save
from tests.programmes.factories import ReliefProjectFactory

pytestmark = pytest.mark.django_db

MESSAGE = "该地点不在您的辖区内"


def _refused(call, field):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        call()
    assert MESSAGE in " ".join(caught.value.message_dict[field])


def test_site_staff_cannot_clear_their_households_site(cast):
    household = Household.objects.get(pk=cast.alice_household.pk)
    household.settlement = None
    _refused(lambda: household_save(household=household, actor=cast.carol), "settlement")
    assert Household.objects.get(pk=household.pk).settlement_id == cast.yangkou_site.pk


def test_township_staff_cannot_move_a_household_to_another_township(cast):
    household = Household.objects.get(pk=cast.alice_household.pk)
    household.township, household.settlement, household.village = cast.hengshan, cast.hengshan_site, None
    _refused(lambda: household_save(household=household, actor=cast.alice), "settlement")
    assert Household.objects.get(pk=household.pk).township_id == cast.yangkou.pk


def test_a_write_inside_the_scope_is_saved(cast):
    household = Household.objects.get(pk=cast.alice_household.pk)
    household.address = "洋口安置小区3栋"
    household_save(household=household, actor=cast.carol)
    assert Household.objects.get(pk=household.pk).address == "洋口安置小区3栋"


def test_a_welfare_post_outside_the_scope_is_refused_and_not_kept(cast):
    def call():
        post = WelfarePost.objects.create(name="洋口镇护林岗", kind="forest", township=cast.yangkou)
        welfare_post_assign(post=post, member=None, since=cast.alice_household.created_at.date(), actor=cast.carol)

    from django.db import transaction

    def atomic_call():
        with transaction.atomic():
            call()

    _refused(atomic_call, "settlement")
    assert not WelfarePost.objects.filter(name="洋口镇护林岗").exists()


def test_a_relief_project_with_no_site_is_refused_for_site_staff(cast):
    project = ReliefProjectFactory(settlement=cast.yangkou_site)
    project.settlement = None
    _refused(lambda: record_save(record=project, actor=cast.carol), "settlement")
