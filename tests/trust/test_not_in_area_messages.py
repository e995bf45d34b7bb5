"""Messages never confirm that an ID number or a household code exists in another township (issue 20, item 13).

A number or code of another township gets "不在您的辖区或不存在": neither that it exists nor where.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from exchange import services
from tests.exchange.workbooks import HOUSEHOLD_HEADER, MEMBER_HEADER, build, household_row, member_row, upload

pytestmark = pytest.mark.django_db

NOT_IN_AREA = "不在您的辖区或不存在"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _member_post(number):
    return {"name": "新成员", "id_number": number, "relation": "child", "labour_capacity": "none", "health": "healthy"}


def test_the_member_form_does_not_confirm_a_number_of_another_township(cast, client_of):
    url = reverse("relocation:member_create", kwargs={"household_pk": cast.alice_household.pk})
    response = client_of(cast.alice).post(url, _member_post(cast.bob_member.id_number))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["id_number"])
    assert NOT_IN_AREA in errors
    assert "已登记" not in errors
    body = response.content.decode()
    assert cast.bob_household.code not in body and cast.bob_household.head_name not in body


def test_the_member_form_says_a_number_in_the_area_is_taken(cast, client_of):
    """Within the user's own area the member can be seen anyway: the message may say so."""
    from relocation.forms import MemberForm

    with translation.override("zh-hans"):
        form = MemberForm(_member_post(cast.alice_member.id_number), household=cast.alice_household, user=cast.alice)
        assert not form.is_valid()
        assert "已登记为您辖区内的其他人员" in " ".join(form.errors["id_number"])


def test_an_import_does_not_confirm_a_code_or_number_of_another_township(cast, tmp_path, media):
    rows = [HOUSEHOLD_HEADER, household_row("GF-A-1"), household_row(cast.bob_household.code, township="洋口镇")]
    members = [MEMBER_HEADER, member_row("GF-A-1", cast.bob_member.id_number)]
    path = build(tmp_path / "t.xlsx", {"户": rows, "成员": members})
    with translation.override("zh-hans"):
        record = services.import_preview(
            record=services.import_upload(user=cast.alice, uploaded_file=upload(path), kind="households")
        )
    messages = {(e["sheet"], e["row"]): e["message"] for e in record.errors}
    assert NOT_IN_AREA in messages[("户", 3)], messages
    assert NOT_IN_AREA in messages[("成员", 2)], messages
    for message in messages.values():
        assert "以外" not in message and "横山" not in message
