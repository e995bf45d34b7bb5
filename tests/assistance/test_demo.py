import io

from assistance.demo import seed_demo_data
from assistance.models import AssistancePlan, WelfarePost
from tests.assistance.helpers import open_case


def test_demo_data_gives_each_open_case_a_plan_and_runs_twice_without_change(cast):
    case = open_case(cast.alice_household, risk_types=["illness"])
    seed_demo_data(io.StringIO())
    plan = AssistancePlan.objects.get(case=case)
    assert plan.measures.filter(measure_type="health").exists()
    counts = (AssistancePlan.objects.count(), WelfarePost.objects.count())
    seed_demo_data(io.StringIO())
    assert (AssistancePlan.objects.count(), WelfarePost.objects.count()) == counts
