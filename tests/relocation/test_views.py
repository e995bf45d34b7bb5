import pytest
from django.urls import reverse

from accounts.models import AccessLog
from relocation.models import Household, Member
from tests.factories import HouseholdFactory, MemberFactory, make_id_number

pytestmark = pytest.mark.django_db


def search(client, term, **filters):
    return client.post(reverse("relocation:household_list"), {"q": term, **filters}, follow=True)


def test_it_lists_only_households_of_the_users_township(cast, client_of):
    body = client_of(cast.alice).get(reverse("relocation:household_list")).content.decode()
    assert cast.alice_household.code in body
    assert cast.bob_household.code not in body


def test_a_user_with_no_scope_sees_no_household(cast, client_of):
    response = client_of(cast.nobody).get(reverse("relocation:household_list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0


def test_settlement_staff_see_their_site_only(cast, client_of):
    HouseholdFactory(head_name="洋口散户", township=cast.yangkou, settlement=None)
    page = client_of(cast.carol).get(reverse("relocation:household_list")).context["page_obj"]
    assert [h.pk for h in page.object_list] == [cast.alice_household.pk]


def test_it_finds_a_household_by_a_members_full_id_number_without_putting_it_in_the_url(cast, client_of):
    response = search(client_of(cast.alice), cast.alice_member.id_number)
    assert cast.alice_member.id_number not in response.redirect_chain[-1][0]
    assert list(response.context["page_obj"].object_list) == [cast.alice_household]


def test_it_finds_by_name_phone_and_code_but_never_across_townships(cast, client_of):
    client = client_of(cast.alice)
    for term in ["洋口户主", cast.alice_household.phone[-4:], cast.alice_household.code]:
        assert list(search(client, term).context["page_obj"].object_list) == [cast.alice_household], term
    assert list(search(client, cast.bob_member.id_number).context["page_obj"].object_list) == []


def test_filters_narrow_the_list(cast, client_of):
    HouseholdFactory(township=cast.yangkou, household_type=Household.Type.ALONGSIDE, head_name="同步户")
    page = client_of(cast.alice).get(reverse("relocation:household_list"), {"household_type": "alongside"})
    assert [h.head_name for h in page.context["page_obj"].object_list] == ["同步户"]


def test_the_list_is_paginated(cast, client_of):
    HouseholdFactory.create_batch(30, township=cast.yangkou)
    page = client_of(cast.alice).get(reverse("relocation:household_list"), {"page": 2}).context["page_obj"]
    assert page.number == 2 and len(page.object_list) == 6


def test_the_list_masks_phone_numbers(cast, client_of):
    body = client_of(cast.alice).get(reverse("relocation:household_list")).content.decode()
    assert cast.alice_household.phone not in body
    assert cast.alice_household.phone[:3] + "****" in body


def test_the_list_query_count_does_not_grow_with_rows(cast, client_of, django_assert_max_num_queries):
    client = client_of(cast.alice)
    client.get(reverse("relocation:household_list"))
    HouseholdFactory.create_batch(20, township=cast.yangkou)
    with django_assert_max_num_queries(12):
        client.get(reverse("relocation:household_list"))


def test_detail_shows_members_with_masked_id_numbers(cast, client_of):
    url = reverse("relocation:household_detail", kwargs={"household_pk": cast.alice_household.pk})
    body = client_of(cast.alice).get(url).content.decode()
    assert cast.alice_member.masked_id_number in body
    assert cast.alice_member.id_number not in body


def test_showing_a_full_id_number_is_logged(cast, client_of):
    url = reverse(
        "relocation:member_identity",
        kwargs={"household_pk": cast.alice_household.pk, "member_pk": cast.alice_member.pk},
    )
    response = client_of(cast.alice).get(url)
    assert cast.alice_member.id_number in response.content.decode()
    log = AccessLog.objects.get(action=AccessLog.Action.UNMASK)
    assert (log.user, log.object_id) == (cast.alice, str(cast.alice_member.pk))


def test_a_head_may_not_unmask(cast, client_of):
    url = reverse(
        "relocation:member_identity",
        kwargs={"household_pk": cast.alice_household.pk, "member_pk": cast.alice_member.pk},
    )
    assert client_of(cast.frank).get(url).status_code == 403
    assert not AccessLog.objects.exists()


def member_data(**overrides):
    data = {
        "name": "周小明",
        "id_number": make_id_number("20000305", sex="F"),
        "relation": "daughter",
        "labour_capacity": "ordinary",
        "willing_to_work": "on",
        "health": "healthy",
        "schooling": "senior",
        "employment": "local",
        "phone": "13912345678",
    }
    data.update(overrides)
    return data


def test_adding_a_member_derives_birth_date_and_sex(cast, client_of):
    url = reverse("relocation:member_create", kwargs={"household_pk": cast.alice_household.pk})
    data = member_data()
    response = client_of(cast.alice).post(url, data)
    assert response.status_code == 302
    member = Member.objects.get(id_number=data["id_number"])
    assert member.birth_date.isoformat() == "2000-03-05" and member.sex == "F"


def test_a_bad_id_number_is_refused_with_a_chinese_message(cast, client_of):
    url = reverse("relocation:member_create", kwargs={"household_pk": cast.alice_household.pk})
    response = client_of(cast.alice).post(url, member_data(id_number="3.62301E+17"))
    assert response.status_code == 200
    assert "科学计数法" in response.content.decode()
    assert not Member.objects.filter(name="周小明").exists()


def test_an_id_number_of_another_township_is_refused_without_revealing_where(cast, client_of):
    url = reverse("relocation:member_create", kwargs={"household_pk": cast.alice_household.pk})
    response = client_of(cast.alice).post(url, member_data(id_number=cast.bob_member.id_number))
    body = response.content.decode()
    assert response.status_code == 200
    # Neither that the number exists nor where (issue 20, item 13).
    assert "不在您的辖区或不存在" in body and "已登记" not in body
    assert cast.bob_household.head_name not in body


def test_editing_a_member_is_kept_in_the_history_with_who_did_it(cast, client_of):
    client = client_of(cast.alice)
    member = cast.alice_member
    url = reverse("relocation:member_edit", kwargs={"household_pk": cast.alice_household.pk, "member_pk": member.pk})
    data = member_data(
        name=member.name, id_number=member.id_number, relation="head", employment="not_employed", phone=""
    )
    assert client.post(url, data).status_code == 302
    history = client.get(reverse("relocation:household_history", kwargs={"household_pk": cast.alice_household.pk}))
    body = history.content.decode()
    assert "周爱丽" in body  # Alice's full name, as the one who changed it
    assert "未就业" in body


def test_bureau_staff_and_heads_cannot_edit(cast, client_of):
    url = reverse("relocation:household_edit", kwargs={"household_pk": cast.alice_household.pk})
    assert client_of(cast.frank).get(url).status_code == 403


def test_a_household_cannot_be_placed_in_another_townships_site(cast, client_of):
    url = reverse("relocation:household_edit", kwargs={"household_pk": cast.alice_household.pk})
    client = client_of(cast.alice)
    data = {
        "code": cast.alice_household.code,
        "head_name": "洋口户主周一",
        "household_type": "lifted",
        "township": cast.yangkou.pk,
        "settlement": cast.hengshan_site.pk,
        "placement": "apartment",
        "relocation_year": 2018,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    cast.alice_household.refresh_from_db()
    assert cast.alice_household.settlement == cast.yangkou_site


def test_zero_employment_is_shown_on_the_household(cast, client_of):
    household = HouseholdFactory(township=cast.yangkou)
    MemberFactory(household=household, employment="not_employed", willing_to_work=True)
    url = reverse("relocation:household_detail", kwargs={"household_pk": household.pk})
    assert "零就业" in client_of(cast.alice).get(url).content.decode()


# Edit forms show ID numbers and phones masked, with the logged "显示" (issue 20, item 10).


def _member_edit_url(cast):
    return reverse(
        "relocation:member_edit", kwargs={"household_pk": cast.alice_household.pk, "member_pk": cast.alice_member.pk}
    )


def _with_phones(cast):
    Member.objects.filter(pk=cast.alice_member.pk).update(phone="13812345678")
    Household.objects.filter(pk=cast.alice_household.pk).update(phone="13987654321")
    cast.alice_member.refresh_from_db()
    cast.alice_household.refresh_from_db()


def _member_post(cast, **overrides):
    from relocation.forms import MemberForm
    from tests.place_writes import form_data

    form = MemberForm(instance=cast.alice_member, household=cast.alice_household, user=cast.alice)
    data = form_data(form)
    # What the browser sends back: the masked text the inputs show.
    data["id_number"] = cast.alice_member.masked_id_number
    data["phone"] = cast.alice_member.masked_phone
    data.update(overrides)
    return data


def test_the_member_edit_form_shows_no_full_id_number_or_phone(cast, client_of):
    _with_phones(cast)
    body = client_of(cast.alice).get(_member_edit_url(cast)).content.decode()
    assert cast.alice_member.id_number not in body and "13812345678" not in body
    assert f'value="{cast.alice_member.masked_id_number}"' in body and 'value="138****5678"' in body
    assert "显示" in body


def test_the_household_edit_form_shows_no_full_phone(cast, client_of):
    _with_phones(cast)
    url = reverse("relocation:household_edit", kwargs={"household_pk": cast.alice_household.pk})
    body = client_of(cast.alice).get(url).content.decode()
    assert "13987654321" not in body and 'value="139****4321"' in body


def test_saving_an_unchanged_member_form_keeps_the_numbers(cast, client_of):
    _with_phones(cast)
    number = cast.alice_member.id_number
    response = client_of(cast.alice).post(_member_edit_url(cast), _member_post(cast, employer="洋口鞋厂"))
    assert response.status_code == 302, response.context["form"].errors
    cast.alice_member.refresh_from_db()
    assert (cast.alice_member.id_number, cast.alice_member.phone) == (number, "13812345678")
    assert cast.alice_member.employer == "洋口鞋厂"


def test_typing_a_new_full_number_replaces_it_and_a_bad_one_is_refused(cast, client_of):
    _with_phones(cast)
    client = client_of(cast.alice)
    old = cast.alice_member.id_number
    response = client.post(_member_edit_url(cast), _member_post(cast, id_number="3.62301E+17"))
    assert response.status_code == 200 and "科学计数法" in response.content.decode()
    cast.alice_member.refresh_from_db()
    assert cast.alice_member.id_number == old
    new = make_id_number("19900101", sex="M")
    response = client.post(_member_edit_url(cast), _member_post(cast, id_number=new, phone="13700001111"))
    assert response.status_code == 302
    cast.alice_member.refresh_from_db()
    assert (cast.alice_member.id_number, cast.alice_member.phone) == (new, "13700001111")


def test_saving_an_unchanged_household_form_keeps_the_phone(cast, client_of):
    from relocation.forms import HouseholdForm
    from tests.place_writes import form_data

    _with_phones(cast)
    data = form_data(HouseholdForm(instance=cast.alice_household, user=cast.alice), phone="139****4321")
    url = reverse("relocation:household_edit", kwargs={"household_pk": cast.alice_household.pk})
    response = client_of(cast.alice).post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    cast.alice_household.refresh_from_db()
    assert cast.alice_household.phone == "13987654321"


def test_revealing_a_number_on_the_edit_form_is_logged(cast, client_of):
    _with_phones(cast)
    url = reverse(
        "relocation:member_reveal",
        kwargs={"household_pk": cast.alice_household.pk, "member_pk": cast.alice_member.pk, "field": "id_number"},
    )
    response = client_of(cast.alice).get(url)
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith("<input") and cast.alice_member.id_number in body
    log = AccessLog.objects.filter(action=AccessLog.Action.UNMASK).latest("pk")
    assert (log.user, log.object_id) == (cast.alice, str(cast.alice_member.pk))
    assert "id_number" in log.detail


def test_a_head_gets_no_reveal(cast, client_of):
    _with_phones(cast)
    url = reverse(
        "relocation:member_reveal",
        kwargs={"household_pk": cast.alice_household.pk, "member_pk": cast.alice_member.pk, "field": "id_number"},
    )
    response = client_of(cast.frank).get(url)
    assert response.status_code == 403 and cast.alice_member.id_number not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_a_role_not_allowed_full_numbers_sees_the_edit_form_masked_without_show(cast, client_of):
    from django.contrib.auth.models import Permission

    _with_phones(cast)
    alice = cast.alice
    perm = Permission.objects.get(codename="view_personal_data", content_type__app_label="relocation")
    alice.user_permissions.remove(perm)
    for group in alice.groups.all():
        group.permissions.remove(perm)
    assert not type(alice).objects.get(pk=alice.pk).can_see_personal_data()
    body = client_of(alice).get(_member_edit_url(cast)).content.decode()
    assert cast.alice_member.id_number not in body and "member_reveal" not in body
    assert "/reveal/" not in body


def test_revealing_the_household_phone_on_its_edit_form_is_logged(cast, client_of):
    _with_phones(cast)
    url = reverse("relocation:household_reveal", kwargs={"household_pk": cast.alice_household.pk, "field": "phone"})
    response = client_of(cast.alice).get(url)
    assert response.status_code == 200 and 'value="13987654321"' in response.content.decode()
    log = AccessLog.objects.filter(action=AccessLog.Action.UNMASK).latest("pk")
    assert (log.user, log.object_id) == (cast.alice, str(cast.alice_household.pk))
    other = reverse("relocation:household_reveal", kwargs={"household_pk": cast.alice_household.pk, "field": "code"})
    assert client_of(cast.alice).get(other).status_code == 404


def test_a_masked_text_that_is_not_the_stored_number_is_refused(cast, client_of):
    _with_phones(cast)
    response = client_of(cast.alice).post(_member_edit_url(cast), _member_post(cast, phone="138****0000"))
    assert response.status_code == 200 and "不是电话号码" in response.content.decode()
    cast.alice_member.refresh_from_db()
    assert cast.alice_member.phone == "13812345678"
