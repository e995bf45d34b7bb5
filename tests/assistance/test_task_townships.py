"""Policy tasks go to the townships concerned (有关乡镇) only; the district adds or removes single ones."""

import datetime

import pytest
from django.urls import reverse

from assistance import services
from assistance.models import PolicyTask, ProgressReport, TaskAssignment
from tests.factories import HouseholdFactory, TownshipFactory


def _codes(township):
    return set(TaskAssignment.objects.filter(township=township).values_list("task__code", flat=True))


@pytest.mark.django_db
def test_a_township_without_sites_gets_no_assignment_and_work_requirements_go_to_none(cast):
    bare = TownshipFactory(code="361103199000", name="无安置乡镇")
    dispersed = TownshipFactory(code="361103198000", name="分散安置乡镇")
    HouseholdFactory(township=dispersed, settlement=None)  # relocated without a site (分散安置)
    created = services.task_assign_townships()
    assert created == 3 * 22
    assert not _codes(bare)
    measures = set(PolicyTask.objects.filter(townships_concerned=True).values_list("code", flat=True))
    assert len(measures) == 22 and {"6.1", "6.2", "6.3"}.isdisjoint(measures)
    for township in (cast.yangkou, cast.hengshan, dispersed):
        assert _codes(township) == measures
    assert not TaskAssignment.objects.filter(task__code="6.2", township__isnull=False).exists()
    assert services.task_assign_townships() == 0


@pytest.mark.django_db
def test_the_district_adds_and_removes_a_township_with_history(cast, client_of):
    services.task_assign_townships()
    task = PolicyTask.objects.get(code="6.2")
    client = client_of(cast.frank)
    url = reverse("assistance:task_townships", kwargs={"task_pk": task.pk})
    client.post(url, {"add": cast.yangkou.pk})
    assignment = TaskAssignment.objects.get(task=task, township=cast.yangkou)
    page = client.get(reverse("assistance:task_detail", kwargs={"task_pk": task.pk})).content.decode()
    assert "洋口镇" in page and "区级添加" in page

    measure = PolicyTask.objects.get(code="3.1")
    hengshan = TaskAssignment.objects.get(task=measure, township=cast.hengshan)
    client.post(url.replace(str(task.pk), str(measure.pk)), {"remove": hengshan.pk})
    assert not TaskAssignment.objects.filter(task=measure, township=cast.hengshan).exists()
    history = TaskAssignment.history.filter(task_id=measure.pk, township_id=cast.hengshan.pk).order_by("history_date")
    assert [(h.history_type, h.history_user) for h in history] == [("+", None), ("-", cast.frank)]
    # The nightly rule does not bring back what the district removed.
    assert services.task_assign_townships() == 0
    assert not TaskAssignment.objects.filter(task=measure, township=cast.hengshan).exists()
    # ...but the district can give it back.
    client.post(url.replace(str(task.pk), str(measure.pk)), {"add": cast.hengshan.pk})
    assert TaskAssignment.objects.filter(task=measure, township=cast.hengshan).exists()
    assert assignment.pk


@pytest.mark.django_db
def test_a_township_that_reported_cannot_be_removed(cast, client_of):
    services.task_assign_townships()
    assignment = TaskAssignment.objects.get(task__code="3.1", township=cast.yangkou)
    ProgressReport.objects.create(assignment=assignment, period=datetime.date(2026, 7, 1), text="已报送")
    url = reverse("assistance:task_townships", kwargs={"task_pk": assignment.task_id})
    response = client_of(cast.frank).post(url, {"remove": assignment.pk}, follow=True)
    assert TaskAssignment.objects.filter(pk=assignment.pk).exists()
    assert "已报送" in response.content.decode() or "进度报告" in response.content.decode()


@pytest.mark.django_db
def test_only_the_district_changes_townships(cast, client_of):
    services.task_assign_townships()
    assignment = TaskAssignment.objects.get(task__code="3.1", township=cast.hengshan)
    url = reverse("assistance:task_townships", kwargs={"task_pk": assignment.task_id})
    for user in (cast.grace, cast.bob, cast.erin):
        assert client_of(user).post(url, {"remove": assignment.pk}).status_code == 403
    assert TaskAssignment.objects.filter(pk=assignment.pk).exists()
    page = client_of(cast.grace).get(reverse("assistance:task_detail", kwargs={"task_pk": assignment.task_id}))
    assert "添加乡镇" not in page.content.decode()
