"""Dashboard charts on a phone (issue 15, item 6): no axis or slice label is cut off at the edge.

The district has the demo district's long names (铜钹山镇, 永丰街道, long site names). Each chart's
labels are measured where ECharts drew them on its canvas (the zrender text elements' boxes, after
their rotation) and must lie inside the chart's own area.
"""

import pytest

from relocation.models import Household
from tests.browser.helpers import login_with_code
from tests.factories import HouseholdFactory, MemberFactory, SettlementFactory

pytestmark = pytest.mark.django_db(transaction=True)

LONG_SITES = {
    "铜钹山镇": ["铜钹山镇九仙山易地扶贫搬迁集中安置点", "铜钹山镇白花岩生态移民安置小区"],
    "永丰街道": ["永丰街道城东移民安置小区（二期）", "永丰街道芦林湾避险解困安置点"],
}

# Every text element of every chart whose box, after rotation, leaves the chart's canvas.
CUT_LABELS = """() => {
    const cut = [];
    document.querySelectorAll(".dash-chart[data-rendered]").forEach((el) => {
        const chart = echarts.getInstanceByDom(el);
        const width = chart.getWidth(), height = chart.getHeight();
        let texts = 0;
        chart.getZr().storage.getDisplayList(true).forEach((shape) => {
            if (shape.type !== "tspan" && shape.type !== "text") return;
            if (shape.invisible || shape.ignore || !shape.style || !shape.style.text) return;
            texts += 1;
            const box = shape.getBoundingRect().clone();
            box.applyTransform(shape.getComputedTransform());
            if (box.x < -1 || box.y < -1 || box.x + box.width > width + 1 || box.y + box.height > height + 1) {
                const right = Math.round(box.x + box.width);
                cut.push(`${el.dataset.chart}: ${shape.style.text} at x ${Math.round(box.x)}..${right} of ${width}`);
            }
        });
        if (texts === 0) cut.push(`${el.dataset.chart}: no label drawn`);
    });
    return cut;
}"""


@pytest.fixture
def long_names(cast):
    """Two more townships and four more sites with the demo district's long names, each with households."""
    from settlements.models import Township

    for number, (township_name, sites) in enumerate(LONG_SITES.items()):
        township, _created = Township.objects.update_or_create(
            code=f"3611031{90 + number}000", defaults={"name": township_name, "kind": Township.Kind.TOWN}
        )
        for site_name in sites:
            site = SettlementFactory(name=site_name, township=township)
            for status in (Household.Status.NORMAL, Household.Status.MONITORED):
                MemberFactory(household=HouseholdFactory(township=township, settlement=site, status=status))
    return cast


def test_no_chart_label_is_cut_on_a_phone(phone_page, live_server, long_names):
    from settlements.models import Township

    login_with_code(phone_page, live_server, long_names.frank, "test-pass-2026")
    township = Township.objects.filter(name="铜钹山镇").first()
    for path in ("/dashboards/", f"/dashboards/townships/{township.pk}/"):
        phone_page.goto(f"{live_server.url}{path}")
        phone_page.wait_for_selector(".dash-chart[data-rendered] canvas")
        assert phone_page.evaluate("() => document.querySelectorAll('.dash-chart[data-rendered]').length") >= 2
        assert phone_page.evaluate(CUT_LABELS) == [], path
