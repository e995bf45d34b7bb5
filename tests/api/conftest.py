import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit buckets live in the cache; a test starts with empty ones."""
    from django.core.cache import cache

    cache.clear()
    yield
