"""The office taking objections and its phone are data an administrator edits (per township, or the
district's default); a notice is pre-filled with them instead of their being typed each time."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from monitoring import procedure
from monitoring.models import ObjectionOffice, PublicNotice

from .chain import check, cross, day, open_case, village
from .helpers import thresholds

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _thresholds():
    thresholds()


def _waiting(cast, household=None, actor=None):
    case = open_case(cast, household=household, actor=actor)
    actor = actor or cast.alice
    check(case, actor)
    cross(case, actor)
    village(case, actor)
    case.refresh_from_db()
    return case


def _publish(case, actor, **office):
    return procedure.notice_publish(
        cases=[case], starts_on=day(9), ends_on=day(9) + datetime.timedelta(days=4), actor=actor, **office
    )


def test_a_notice_takes_the_townships_office_else_the_districts(cast):
    ObjectionOffice.objects.create(township=None, office="区防返贫监测办", office_phone="0793-2699999")
    ObjectionOffice.objects.create(township=cast.yangkou, office="洋口镇监测站", office_phone="0793-2600000")
    yangkou = _publish(_waiting(cast), cast.alice)
    assert (yangkou.office, yangkou.office_phone) == ("洋口镇监测站", "0793-2600000")
    hengshan = _publish(_waiting(cast, household=cast.bob_household, actor=cast.bob), cast.bob)
    assert (hengshan.office, hengshan.office_phone) == ("区防返贫监测办", "0793-2699999")


def test_what_the_cadre_types_overrides_the_preset(cast):
    ObjectionOffice.objects.create(township=cast.yangkou, office="洋口镇监测站", office_phone="0793-2600000")
    posted = _publish(_waiting(cast), cast.alice, office="洋口镇人民政府", office_phone="0793-2611111")
    assert (posted.office, posted.office_phone) == ("洋口镇人民政府", "0793-2611111")


def test_without_an_office_set_or_typed_the_notice_is_refused_in_chinese(cast):
    case = _waiting(cast)
    with pytest.raises(ValidationError) as refused:
        _publish(case, cast.alice)
    assert "受理异议单位" in str(refused.value)
    assert not PublicNotice.objects.exists()


def test_only_one_district_default(cast):
    ObjectionOffice.objects.create(township=None, office="区防返贫监测办", office_phone="0793-2699999")
    second = ObjectionOffice(township=None, office="另一个", office_phone="0793-2688888")
    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert "已设置受理异议单位" in str(refused.value)


def test_the_notice_form_is_prefilled_and_the_administrator_edits_the_office(cast, client_of):
    ObjectionOffice.objects.create(township=cast.yangkou, office="洋口镇监测站", office_phone="0793-2600000")
    _waiting(cast)
    page = client_of(cast.alice).get(reverse("monitoring:notice_create")).content.decode()
    assert 'value="洋口镇监测站"' in page and 'value="0793-2600000"' in page
    admin = client_of(cast.admin)
    response = admin.post(
        reverse("admin:monitoring_objectionoffice_add"),
        {"township": cast.hengshan.pk, "office": "横山镇监测站", "office_phone": "0793-2622222"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ObjectionOffice.for_township(cast.hengshan.pk).office == "横山镇监测站"
    bad = admin.post(
        reverse("admin:monitoring_objectionoffice_add"),
        {"township": "", "office": "区办", "office_phone": "电话"},
    )
    assert "电话号码" in bad.content.decode()
