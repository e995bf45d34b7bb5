from assistance.models import MeasureSuggestion, PolicyTask, TaskAssignment


def test_the_policy_tasks_are_seeded_with_their_departments(db):
    assert PolicyTask.objects.count() == 25  # 22 measures and 3 work requirements
    task = PolicyTask.objects.get(code="3.5")
    codes = list(task.assignments.values_list("department__code", flat=True))
    # The text names 银监 among those answerable for start-ups (DOMAIN.md wrote 银保监; the unit is the same).
    assert set(codes) == {"rsj", "nyncj", "xczx", "rmyh", "jrjg"}
    assert TaskAssignment.objects.get(task=task, is_lead=True).department.code == "rsj"
    leads = TaskAssignment.objects.filter(task__code="6.1", is_lead=True).values_list("department__code", flat=True)
    assert set(leads) == {"xczx", "fgw"}


def test_the_suggestion_catalogue_is_seeded(db):
    illness = set(MeasureSuggestion.objects.filter(risk_type="illness").values_list("measure_type", flat=True))
    assert "health" in illness
