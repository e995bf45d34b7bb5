"""Words that mean two things in Chinese are told apart: a section is not a count, a person's name is 姓名."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

pytestmark = pytest.mark.django_db


def test_the_households_section_is_named_as_a_section_in_the_menu_list_and_breadcrumb(client_of, cast):
    client = client_of(cast.alice)

    listing = client.get(reverse("relocation:household_list")).content.decode()
    detail = client.get(reverse("relocation:household_detail", args=[cast.alice_household.pk])).content.decode()

    assert "<title>搬迁户 ·" in listing
    assert '<i class="bi bi-people"></i> 搬迁户</a>' in listing  # the menu entry
    assert ">搬迁户</a></li>" in detail  # the breadcrumb
    assert "户数" not in listing.split("<main", 1)[0]


def test_a_members_name_column_is_xingming(client_of, cast):
    detail = client_of(cast.alice).get(reverse("relocation:household_detail", args=[cast.alice_household.pk]))

    assert "<th>姓名</th>" in detail.content.decode()


def test_the_same_english_word_keeps_each_meaning():
    with translation.override("zh-hans"):
        assert gettext("Households") == "户数"  # a column of counts
        assert pgettext("section", "Households") == "搬迁户"
        assert pgettext("person", "Name") == "姓名"
        assert pgettext("dispute", "Outcome") == "调解结果"
        assert gettext("Outcome") != "调解结果"
        assert pgettext("dispute", "Resolved") == "调解成功"
        assert gettext("Resolved") == "已处理"
        assert pgettext("unit", "households") == "户"
        assert gettext("Section") == "所属章节"
