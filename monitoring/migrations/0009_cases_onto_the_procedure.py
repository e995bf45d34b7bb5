"""Cases recorded before the step chain existed are put on the step their old status corresponds to.

The steps they never had are marked "recorded before the procedure", with no date and nobody named:
nothing is invented. What the old records do say (who reviewed, who approved, when) becomes a dated
step. Idempotent: a case that already has steps is left alone.
"""

from django.db import migrations
from django.utils import timezone

BEFORE = "before_procedure"
IDENTIFICATION = ["clue", "household_check", "cross_check", "village_review", "notice", "township_review",
                  "district_confirmation"]  # fmt: skip
ELIMINATION = ["proposal", "household_check", "village_review", "notice", "township_review", "district_confirmation"]


def _day(moment):
    return timezone.localtime(moment).date() if moment else None


def forward(apps, schema_editor):
    MonitoringCase = apps.get_model("monitoring", "MonitoringCase")
    CaseStep = apps.get_model("monitoring", "CaseStep")
    with_steps = set(CaseStep.objects.values_list("case_id", flat=True))
    for case in MonitoringCase.objects.exclude(pk__in=with_steps).order_by("pk").iterator():
        known = {}  # kind -> (date, user, result) the old record does say
        if case.reviewed_at:
            failed = case.status == "revoked" and not case.approved_at
            known["township_review"] = (_day(case.reviewed_at), case.reviewed_by_id, "failed" if failed else "passed")
        if case.approved_at:
            failed = case.status == "revoked"
            known["district_confirmation"] = (
                _day(case.approved_at),
                case.approved_by_id,
                "failed" if failed else "passed",
            )
        if case.status == "identified":
            last, next_step, since = "notice", "township_review", case.identified_at
        elif case.status == "reviewed":
            last, next_step, since = "township_review", "district_confirmation", _day(case.reviewed_at)
        elif case.status == "revoked":
            last = "district_confirmation" if case.approved_at else "township_review" if case.reviewed_at else "clue"
            next_step, since = "", None
        else:  # approved, long_term, eliminated
            last, next_step, since = "district_confirmation", "", None
        note = f"程序启用前记录：{case.identified_at:%Y-%m-%d} 认定为监测对象"
        for kind in IDENTIFICATION[: IDENTIFICATION.index(last) + 1]:
            done_on, user, result = known.get(kind, (None, None, BEFORE))
            step = CaseStep.objects.create(
                case=case,
                procedure="identification",
                run=1,
                kind=kind,
                done_on=done_on,
                result=result,
                recorded_by_id=user,
                note=note if kind == "clue" else "",
            )
            if user:
                step.actors.add(user)
        fields = {"procedure": "identification" if next_step else "", "next_step": next_step, "step_since": since}
        if case.status == "eliminated":
            for kind in ELIMINATION:
                CaseStep.objects.create(
                    case=case,
                    procedure="elimination",
                    run=1,
                    kind=kind,
                    result=BEFORE,
                    note=f"程序启用前记录：{case.eliminated_at or ''} 风险消除" if kind == "proposal" else "",
                )
            fields["procedure_run"] = 1
        MonitoringCase.objects.filter(pk=case.pk).update(**fields)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0008_procedure_steps")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
