"""Seeded rows survive the flush of a transactional test (browser tests and Celery tests flush)."""

import pytest

from accounts.models import Department


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_seeded_departments():
    assert Department.objects.filter(code="rsj").exists()


@pytest.mark.django_db(transaction=True)
def test_and_so_does_the_next_one_after_a_flush():
    # The first test's teardown flushed every table; the serialized rows were loaded back.
    assert Department.objects.filter(code="xczx").exists()


@pytest.mark.django_db(transaction=True)
def test_and_the_one_after_that():
    assert Department.objects.count() >= 26
