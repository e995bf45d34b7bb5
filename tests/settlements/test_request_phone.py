"""A residents' request's phone: masked on its page, shown in full only through 显示, and each look logged."""

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from tests.settlements.factories import RequestFactory

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def test_community_staff_see_the_phone_masked_until_they_press_show(cast, client_of):
    item = RequestFactory(settlement=cast.yangkou_site, requester_phone=PHONE)
    client = client_of(cast.carol)
    page = client.get(reverse("settlements:request_detail", kwargs={"request_pk": item.pk})).content.decode()
    assert PHONE not in page
    assert "139****5678" in page and "显示" in page
    assert not AccessLog.objects.filter(action=AccessLog.Action.UNMASK).exists()

    shown = client.get(reverse("settlements:request_phone", kwargs={"request_pk": item.pk}))
    assert shown.status_code == 200 and PHONE in shown.content.decode()
    log = AccessLog.objects.get(action=AccessLog.Action.UNMASK)
    assert (log.user, log.object_id) == (cast.carol, str(item.pk))


def test_the_full_phone_is_not_for_staff_of_another_site_or_without_the_right(cast, client_of):
    item = RequestFactory(settlement=cast.yangkou_site, requester_phone=PHONE)
    url = reverse("settlements:request_phone", kwargs={"request_pk": item.pk})
    assert client_of(cast.dave).get(url).status_code == 404
    assert client_of(cast.erin).get(url).status_code in (403, 404)
    assert not AccessLog.objects.filter(action=AccessLog.Action.UNMASK).exists()


def test_a_changed_phone_is_masked_in_the_requests_history_too(cast, client_of):
    item = RequestFactory(settlement=cast.yangkou_site, requester_phone=PHONE)
    item.requester_phone = "13700001111"
    item.save()
    page = client_of(cast.carol).get(reverse("settlements:request_detail", kwargs={"request_pk": item.pk}))
    body = page.content.decode()
    assert PHONE not in body and "13700001111" not in body
    assert "137****1111" in body
