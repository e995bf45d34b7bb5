"""A dashboard page's figures: assembled from aggregate queries, cached per scope and place.

:func:`dashboard_for` is what the views call. It returns plain dicts and lists (cards and charts)
so that the cache can hold them and the template, the chart script and the Excel export all read
the same numbers.
"""

import time
from collections import defaultdict

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from relocation.models import Household, Member
from settlements.models import Settlement, Township

from . import cache, parts, summary
from .selectors import (
    Card,
    Chart,
    Focus,
    figure_counts,
    figures_for,
    household_list_url,
    households_for,
    percent,
    scope_key,
    url_or_none,
)


def page_key(user, focus: Focus, language: str) -> tuple:
    """What a page's figures depend on: the user's scope and role, the place, the language."""
    # Role too: which lists a figure may link to depends on the user's permissions.
    return ("page", scope_key(user), user.role, user.is_superuser, focus.cache_part, language)


def dashboard_for(user, focus: Focus) -> dict:
    """The cards and charts of one dashboard page for this user's scope (cached; see ``cache.page``)."""
    language = translation.get_language()
    key = page_key(user, focus, language)

    def refresh():
        from .tasks import refresh_page

        township = focus.township.pk if focus.township else None
        settlement = focus.settlement.pk if focus.settlement else None
        refresh_page.delay(user.pk, township, settlement, language)

    return cache.page(key, lambda: compute(user, focus), refresh)


def refresh(user, focus: Focus, language: str) -> None:
    """Count a page again now (the background refresh); a later change may queue another once the
    minimum interval between recounts has passed."""
    key = page_key(user, focus, language)
    started = time.monotonic()
    try:
        with translation.override(language):
            cache.store(key, lambda: compute(user, focus))
    finally:
        cache.release(key, started=started)


def compute(user, focus: Focus) -> dict:
    """Count everything a dashboard page shows, with a fixed number of queries whatever the data size.

    Household, member, visit and income figures come from one grouped query over the figures table
    (``dashboards.summary``); the other apps' parts add theirs.
    """
    households = households_for(user, focus)
    today = timezone.localdate()
    thresholds = parts.thresholds_for(today)
    since = summary.income_since(today)
    lines = None
    if thresholds is not None and summary.income_window_ready(since):
        lines = (float(thresholds.income_line), float(thresholds.warning_line))
    rows = figure_counts(figures_for(user, focus), today=today, income_since=since, lines=lines)
    cards: list[Card] = []
    charts: list[Chart] = []
    frame(user, focus, rows, cards, charts)
    for part in parts.PARTS:
        if part.available():
            part.build(user=user, focus=focus, households=households, rows=rows, cards=cards, charts=charts)
    return {
        "cards": [c.as_dict() for c in cards],
        "charts": [c.as_dict() for c in charts],
        "computed_at": timezone.now().isoformat(),
    }


class PlaceTotals:
    """Households, people and employment summed per place key (township id, site id, or None)."""

    def __init__(self):
        self.households = defaultdict(int)
        self.status = defaultdict(lambda: defaultdict(int))
        self.people = defaultdict(int)
        self.can_work = defaultdict(int)
        self.employed_can_work = defaultdict(int)
        self.zero = defaultdict(int)

    def row(self, place) -> list:
        return [
            self.households[place],
            self.people[place],
            self.status[place][Household.Status.NORMAL],
            self.status[place][Household.Status.MONITORED],
            self.status[place][Household.Status.ELIMINATED],
            self.zero[place],
            self.can_work[place],
            self.employed_can_work[place],
            percent(self.employed_can_work[place], self.can_work[place]),
        ]


def place_columns() -> list[str]:
    return [
        _("Households"),
        _("People"),
        Household.Status.NORMAL.label,
        Household.Status.MONITORED.label,
        Household.Status.ELIMINATED.label,
        _("Zero-employment households"),
        _("Members able and willing to work"),
        _("Of whom employed"),
        _("Employment rate (%)"),
    ]


def frame(user, focus: Focus, rows: list[dict], cards: list[Card], charts: list[Chart]) -> None:
    """The figures every dashboard has: households, people, places, status and employment."""
    by_township, by_site = PlaceTotals(), PlaceTotals()
    status, types, placements = defaultdict(int), defaultdict(int), defaultdict(int)
    employment_people, employment_can_work = defaultdict(int), defaultdict(int)
    zero_total = 0
    for r in rows:
        for totals, place in ((by_township, r["township_id"]), (by_site, r["settlement_id"])):
            totals.households[place] += r["n"]
            totals.status[place][r["status"]] += r["n"]
            totals.people[place] += r["sum_people"]
            totals.can_work[place] += r["sum_can_work"]
            totals.employed_can_work[place] += r["sum_employed_can_work"]
            totals.zero[place] += r["zero"]
        status[r["status"]] += r["n"]
        types[r["household_type"]] += r["n"]
        placements[r["placement"]] += r["n"]
        zero_total += r["zero"]
        for value in Member.Employment.values:
            employment_people[value] += r[f"sum_{value}"]
            employment_can_work[value] += r[f"sum_{value}_can_work"]

    total_households = sum(status.values())
    total_people = sum(employment_people.values())
    total_zero = zero_total
    total_can_work = sum(employment_can_work.values())
    total_employed = sum(v for k, v in employment_can_work.items() if k in Member.EMPLOYED)
    zero_url = zero_employment_url(user, focus)

    cards.extend(
        [
            Card(
                "households",
                _("Households"),
                total_households,
                pgettext("unit", "households"),
                household_list_url(focus),
            ),
            Card("people", _("People"), total_people, _("people")),
            Card(
                "monitored",
                _("Monitoring objects"),
                status[Household.Status.MONITORED],
                pgettext("unit", "households"),
                household_list_url(focus, status=Household.Status.MONITORED),
            ),
            Card(
                "zero_employment",
                _("Zero-employment households"),
                total_zero,
                pgettext("unit", "households"),
                zero_url,
                hint=_("The goal is 0: every household with someone able and willing to work has a member in work."),
                alarm=total_zero > 0,
            ),
            Card(
                "employment_rate",
                _("Employment rate"),
                percent(total_employed, total_can_work),
                "%",
                hint=_("%(employed)s of %(can_work)s members able and willing to work are employed.")
                % {"employed": total_employed, "can_work": total_can_work},
            ),
        ]
    )

    if focus.level == "district":
        charts.append(township_chart(user, focus, by_township))
    if focus.level in ("district", "township"):
        charts.append(site_chart(user, focus, by_site))

    chart = Chart("status", _("Households by monitoring status"), "pie", [_("Status"), _("Households")])
    for value, label in Household.Status.choices:
        link = household_list_url(focus, status=value)
        chart.add([label, status[value]], link, {1: link})
    charts.append(chart)

    chart = Chart("household_type", _("Households by type"), "pie", [_("Household type"), _("Households")])
    for value, label in Household.Type.choices:
        link = household_list_url(focus, household_type=value)
        chart.add([label, types[value]], link, {1: link})
    charts.append(chart)

    chart = Chart("placement", _("Households by housing type"), "pie", [_("Housing type"), _("Households")])
    for value, label in Household.Placement.choices:
        link = household_list_url(focus, placement=value)
        chart.add([label, placements[value]], link, {1: link})
    charts.append(chart)

    chart = Chart(
        "employment",
        _("Employment of members"),
        "bar",
        [_("Employment"), _("Members able and willing to work"), _("All members")],
        series=[1, 2],
        note=_("Employment as last recorded on each member."),
        horizontal=True,
    )
    for value, label in Member.Employment.choices:
        chart.add([label, employment_can_work[value], employment_people[value]])
    charts.append(chart)


def zero_employment_url(user, focus: Focus) -> str | None:
    """The assistance app's list of zero-employment households, narrowed to the page's place."""
    if not user.has_perm("assistance.view_employmentrecord"):
        return None
    return url_or_none("assistance:zero_employment", focus.list_filter)


def township_chart(user, focus: Focus, totals: PlaceTotals) -> Chart:
    """Every township of the scope with its households: the first step of the drill-down."""
    chart = Chart(
        "townships",
        _("Households by township"),
        "stacked",
        [_("Township"), *place_columns()],
        series=[3, 4, 5],
        note=_("Click a township to open its dashboard."),
    )
    ids = [t for t in totals.households if t is not None]
    for township in Township.objects.filter(pk__in=ids).order_by("code"):
        params = {"township": township.pk}
        link = url_or_none("dashboards:township", township_pk=township.pk)
        cells = place_cell_links(params, zero_employment_url(user, Focus(township=township)))
        chart.add([township.name, *totals.row(township.pk)], link, cells)
    return chart


def site_chart(user, focus: Focus, totals: PlaceTotals) -> Chart:
    """Every settlement site of the scope or township at a glance; households at no site last."""
    chart = Chart(
        "settlements",
        _("Households by settlement site"),
        "stacked",
        [_("Settlement site"), *place_columns()],
        series=[3, 4, 5],
        note=_("Click a site to open its dashboard."),
    )
    ids = [s for s in totals.households if s is not None]
    sites = Settlement.objects.filter(pk__in=ids).select_related("township").order_by("township__code", "code")
    for site in sites:
        label = site.name if focus.level == "township" else f"{site.township.name} · {site.name}"
        link = url_or_none("dashboards:settlement", settlement_pk=site.pk)
        cells = place_cell_links({"settlement": site.pk}, zero_employment_url(user, Focus(settlement=site)))
        chart.add([label, *totals.row(site.pk)], link, cells)
    if totals.households.get(None):
        # Households of the scope not attached to any site (dispersed relocation recorded without one):
        # shown so that the rows add up to the total, but the list cannot filter on "no site".
        chart.add([_("Not at a settlement site"), *totals.row(None)])
    return chart


def place_cell_links(params: dict, zero_url: str | None) -> dict[int, str | None]:
    """Links of a place row's numbers to the household list with the place and the status filtered."""
    focus = Focus()
    return {
        1: household_list_url(focus, **params),
        3: household_list_url(focus, **params, status=Household.Status.NORMAL),
        4: household_list_url(focus, **params, status=Household.Status.MONITORED),
        5: household_list_url(focus, **params, status=Household.Status.ELIMINATED),
        6: zero_url,
    }
