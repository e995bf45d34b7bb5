import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with no cached dashboard: figures cached by an earlier test would mislead."""
    cache.clear()
    yield
    cache.clear()
