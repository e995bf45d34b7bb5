"""With Redis stopped, every page family answers from the database, and uploads are refused cleanly.

The portal runs against a private Redis (its own port, started here) as its cache and broker; the
test warms the cache, stops Redis, then uses the portal as staff would.
"""

import datetime

import pytest
from django.urls import reverse

from exchange import services as exchange_services
from exchange.models import ImportRecord
from monitoring.models import Visit
from portal import cache as portal_cache
from tests.exchange.workbooks import HOUSEHOLD_HEADER, build, household_row, upload
from tests.trust.redis_server import RedisServer

NOTICE = "后台服务暂不可用"
REFUSAL = "后台服务暂不可用，请稍后再试"


@pytest.fixture
def redis_portal(settings, tmp_path):
    """The portal's cache and broker on a private Redis; yields the server so a test can stop it."""
    server = RedisServer(tmp_path / "redis").start()
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": server.url(),
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.5},
        }
    }
    settings.CELERY_BROKER_URL = server.url()
    settings.MEDIA_ROOT = tmp_path / "media"
    portal_cache.reset()
    try:
        yield server
    finally:
        server.stop()
        portal_cache.reset()


@pytest.mark.django_db
def test_the_cache_answers_as_a_miss_when_redis_is_stopped(redis_portal):
    from django.core.cache import cache

    cache.set("k", 1)
    assert cache.get("k") == 1 and not portal_cache.cache_unavailable()
    redis_portal.stop()
    assert cache.get("k", "missing") == "missing"
    assert portal_cache.cache_unavailable()
    # Nothing raises while it is down, and nothing is stored.
    cache.set("k", 2)
    assert cache.add("other", 1) is False
    assert cache.get_many(["k"]) == {}
    with pytest.raises(ValueError):
        cache.incr("k")
    assert not portal_cache.background_available()
    # Back up: after the retry pause it is used again.
    redis_portal.start()
    portal_cache.reset()
    assert cache.get("k") == 1 and portal_cache.background_available()


@pytest.mark.django_db
def test_every_page_family_answers_from_the_database_with_redis_stopped(cast, client_of, redis_portal, settings):
    settings.EXCHANGE_BACKGROUND_BYTES = 1  # every upload is a background import
    # Redis is tried again at every request (production waits 5 s): each page finds it down by itself.
    settings.CACHE_RETRY_SECONDS = 0
    household = cast.alice_household
    running = ImportRecord.objects.create(
        kind="households", user=cast.alice, file_name="running.xlsx", background=True,
        status=ImportRecord.Status.COMMITTING,
    )  # fmt: skip
    alice = client_of(cast.alice)
    pages = [
        reverse("relocation:household_list"),
        reverse("relocation:household_detail", kwargs={"household_pk": household.pk}),
        reverse("monitoring:alert_list"),
        reverse("monitoring:visits_due"),
        reverse("monitoring:case_list"),
        reverse("monitoring:visit_create", kwargs={"household_pk": household.pk}),
        reverse("exchange:import_list"),
        reverse("exchange:import_detail", kwargs={"record_pk": running.pk}),
        reverse("notifications:notification_list"),
    ]
    for url in pages:  # warm: the cache holds figures and heartbeats
        response = alice.get(url)
        assert response.status_code == 200 and NOTICE not in response.content.decode(), url

    redis_portal.stop()

    for url in pages:
        response = alice.get(url)
        assert response.status_code == 200, url
        assert NOTICE in response.content.decode(), url
    progress = alice.get(reverse("exchange:import_progress", kwargs={"record_pk": running.pk}))
    assert progress.status_code == 200
    # The heartbeat cannot be read: not called interrupted, not offered to run again.
    assert "正在确认" in progress.content.decode() and "import-rerun" not in progress.content.decode()

    # A visit is recorded as usual.
    visit = alice.post(
        reverse("monitoring:visit_create", kwargs={"household_pk": household.pk}),
        {"visited_on": datetime.date.today().isoformat(), "findings": "停电期间的回访", "wage_income": "2000",
         **{f"employment_{m.pk}": "local" for m in household.members.all()}},
    )  # fmt: skip
    assert visit.status_code == 302, visit.content.decode()[:2000]
    assert Visit.objects.filter(household=household, findings="停电期间的回访").count() == 1

    # The client is now Frank's (a head): the dashboards are counted from the database.
    head = client_of(cast.frank)
    dashboard = head.get(reverse("dashboards:overview"))
    assert dashboard.status_code == 200 and NOTICE in dashboard.content.decode()
    assert dashboard.context["cards"], "the figures are counted from the database"


@pytest.mark.django_db
def test_an_upload_is_refused_and_nothing_is_stored_while_redis_is_stopped(cast, client_of, redis_portal, tmp_path):
    path = build(tmp_path / "book.xlsx", {"户": [HOUSEHOLD_HEADER, household_row("GF-R-1")]})
    redis_portal.stop()
    response = client_of(cast.alice).post(reverse("exchange:import_list"), {"kind": "households", "file": upload(path)})
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert not ImportRecord.objects.exists()
    media = tmp_path / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.django_db
def test_confirming_a_background_import_is_refused_while_redis_is_stopped(cast, client_of, redis_portal):
    record = ImportRecord.objects.create(
        kind="households", user=cast.alice, file_name="b.xlsx", background=True, status=ImportRecord.Status.PREVIEWED
    )
    redis_portal.stop()
    response = client_of(cast.alice).post(
        reverse("exchange:import_confirm", kwargs={"record_pk": record.pk}), follow=True
    )
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.PREVIEWED


@pytest.mark.django_db
def test_a_commit_that_missed_its_beats_says_confirming_before_it_says_interrupted(cast, client_of, settings):
    import time

    from django.core.cache import cache

    settings.EXCHANGE_STALE_SECONDS = 120
    record = ImportRecord.objects.create(
        kind="households", user=cast.alice, file_name="c.xlsx", background=True, status=ImportRecord.Status.COMMITTING
    )
    url = reverse("exchange:import_progress", kwargs={"record_pk": record.pk})
    alice = client_of(cast.alice)
    cache.set(exchange_services.heartbeat_key(record.pk), time.time())
    page = alice.get(url).content.decode()
    assert "正在确认" not in page and "import-rerun" not in page
    cache.set(exchange_services.heartbeat_key(record.pk), time.time() - 3 * exchange_services.HEARTBEAT_SECONDS)
    page = alice.get(url).content.decode()
    assert "正在确认" in page and "import-rerun" not in page
    cache.set(exchange_services.heartbeat_key(record.pk), time.time() - 121)
    page = alice.get(url).content.decode()
    assert "正在确认" not in page and "导入已中断" in page and "import-rerun" in page
