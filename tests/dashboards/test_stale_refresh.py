"""Slow pages: the last figures at once, marked stale, while a background task counts them again."""

from unittest import mock

import pytest
from django.core.cache import cache as django_cache
from django.urls import reverse

from dashboards import cache, figures
from dashboards.selectors import Focus
from dashboards.tasks import refresh_page
from tests.dashboards.helpers import bulk_households, card

OVERVIEW = reverse("dashboards:overview")


@pytest.fixture
def slow(settings):
    """Every page counts as slow: a recount goes to the background, as soon as one is needed."""
    settings.DASHBOARD_SYNC_SECONDS = 0
    settings.DASHBOARD_MIN_RECOUNT_SECONDS = 0


@pytest.fixture
def queued():
    with mock.patch.object(refresh_page, "delay") as delay:
        yield delay


def test_a_slow_page_shows_its_last_figures_marked_stale_and_queues_one_recount(cast, client_of, slow, queued):
    client = client_of(cast.frank)
    first = client.get(OVERVIEW)
    assert card(first.context, "households")["value"] == 2 and not first.context["stale"]
    assert not queued.called  # nothing to show meanwhile: counted on the spot

    bulk_households(5, township=cast.hengshan)
    cache.bump()
    response = client.get(OVERVIEW)
    assert card(response.context, "households")["value"] == 2
    assert response.context["stale"]
    assert "后台重新统计" in response.content.decode()
    queued.assert_called_once()
    client.get(OVERVIEW)
    assert queued.call_count == 1  # one recount per page at a time

    refresh_page(*queued.call_args.args)  # what the worker runs
    response = client.get(OVERVIEW)
    assert card(response.context, "households")["value"] == 7
    assert not response.context["stale"] and "后台重新统计" not in response.content.decode()


def test_after_a_recount_the_next_change_queues_another(cast, client_of, slow, queued):
    client = client_of(cast.frank)
    client.get(OVERVIEW)
    cache.bump()
    client.get(OVERVIEW)
    refresh_page(*queued.call_args.args)
    cache.bump()
    client.get(OVERVIEW)
    assert queued.call_count == 2


def test_a_recount_that_cannot_be_queued_still_shows_the_page_and_is_tried_again(cast, client_of, slow, queued):
    client = client_of(cast.frank)
    client.get(OVERVIEW)
    cache.bump()
    queued.side_effect = ConnectionError("broker down")
    response = client.get(OVERVIEW)
    assert response.status_code == 200 and response.context["stale"]
    queued.side_effect = None
    client.get(OVERVIEW)
    assert queued.call_count == 2


def test_the_recount_keeps_the_township_heads_scope(cast, client_of, slow, queued):
    client = client_of(cast.grace)  # head of 横山镇
    assert card(client.get(OVERVIEW).context, "households")["value"] == 1
    bulk_households(3, township=cast.yangkou)
    bulk_households(2, township=cast.hengshan, start=100)
    cache.bump()
    client.get(OVERVIEW)
    refresh_page(*queued.call_args.args)
    assert card(client.get(OVERVIEW).context, "households")["value"] == 3


def test_a_fast_page_is_counted_on_the_spot(cast, client_of, queued):
    client = client_of(cast.frank)
    client.get(OVERVIEW)
    bulk_households(5, township=cast.hengshan)
    cache.bump()
    response = client.get(OVERVIEW)
    assert card(response.context, "households")["value"] == 7 and not response.context["stale"]
    assert not queued.called


def test_a_page_is_recounted_at_most_once_in_the_minimum_interval(cast, client_of, slow, queued, settings):
    settings.DASHBOARD_MIN_RECOUNT_SECONDS = 300
    client = client_of(cast.frank)
    client.get(OVERVIEW)
    cache.bump()
    client.get(OVERVIEW)
    refresh_page(*queued.call_args.args)
    bulk_households(5, township=cast.hengshan)
    cache.bump()  # a change right after the recount
    response = client.get(OVERVIEW)
    assert queued.call_count == 1 and response.context["stale"]
    assert card(response.context, "households")["value"] == 2
    django_cache.delete(cache.lock_key(figures.page_key(cast.frank, Focus(), "zh-hans")))
    client.get(OVERVIEW)  # the interval has passed (its lock expired)
    assert queued.call_count == 2
