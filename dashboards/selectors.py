"""Reads behind the dashboards: a fixed number of aggregate queries over the user's scope.

Every figure starts from the user's scope narrowed to the page's township or site (:class:`Focus`):
``Household.objects.for_user(user)``, or the same rule over the figures tables' copies of each
household's place (:func:`figures_for`, built on ``relocation.models.household_scope_q``), so a
township head's figures can never include another township. Each figure is counted the way the
list it links to filters (``relocation:household_list`` with the same query-string filters), so
that the number and the list agree.

Figures of other apps (monitoring, assistance, site ledgers) are added by :mod:`dashboards.parts`
when those apps' models exist; this module holds the frame, one grouped query over the households'
figures (``dashboards.summary`` keeps them).
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse

from accounts.scope import scope_of
from relocation.models import Household, Member
from settlements.models import Settlement, Township


@dataclass(frozen=True)
class Focus:
    """Where a dashboard page looks: the user's whole scope, one township, or one settlement site."""

    township: Township | None = None
    settlement: Settlement | None = None

    @property
    def level(self) -> str:
        if self.settlement is not None:
            return "settlement"
        if self.township is not None:
            return "township"
        return "district"

    @property
    def list_filter(self) -> dict:
        """The household-list filter that selects this page's households."""
        if self.settlement is not None:
            return {"settlement": self.settlement.pk}
        if self.township is not None:
            return {"township": self.township.pk}
        return {}

    @property
    def cache_part(self) -> str:
        township = self.township.pk if self.township else ""
        settlement = self.settlement.pk if self.settlement else ""
        return f"{self.level}:{township}:{settlement}"


@dataclass
class Chart:
    """One chart and the table of its figures: what the page draws, prints and exports.

    ``rows`` are [label, value, value...] under ``columns``; ``links[i]`` is where clicking row i
    (its bar or slice) leads; ``cell_links[i][j]`` is the list a single number drills into.
    ``series`` names the columns plotted (indices into ``columns``).
    """

    key: str
    title: str
    kind: str  # bar, stacked, pie, line
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)
    cell_links: list[list[str | None]] = field(default_factory=list)
    series: list[int] = field(default_factory=lambda: [1])
    note: str = ""
    horizontal: bool = False

    def add(self, row: list, link: str | None = None, cells: dict[int, str | None] | None = None) -> None:
        """Append a row, with the link of its bar and of any of its numbers."""
        self.rows.append(row)
        self.links.append(link)
        cells = cells or {}
        self.cell_links.append([cells.get(i) for i in range(len(row))])

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "columns": self.columns,
            "rows": self.rows,
            "links": self.links,
            "cell_links": self.cell_links,
            "series": self.series,
            "note": self.note,
            "horizontal": self.horizontal,
        }


@dataclass
class Card:
    """A key figure: one number with the list it drills into; ``alarm`` marks a number that should be 0."""

    key: str
    label: str
    value: int | float | str | None
    unit: str = ""
    url: str | None = None
    hint: str = ""
    alarm: bool = False

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def percent(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def url_or_none(name: str, params: dict | None = None, **kwargs) -> str | None:
    """The URL of a named page with a query string, or None while the page does not exist yet."""
    try:
        url = reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None
    params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


def household_list_url(focus: Focus, **filters) -> str | None:
    """The household list narrowed to the page's place and the given filters."""
    return url_or_none("relocation:household_list", {**focus.list_filter, **filters})


def households_for(user, focus: Focus) -> QuerySet:
    """The households a page counts: the user's scope narrowed to the page's place."""
    qs = Household.objects.for_user(user)
    if focus.settlement is not None:
        return qs.filter(settlement=focus.settlement)
    if focus.township is not None:
        return qs.filter(township=focus.township)
    return qs


def visible_townships(user) -> QuerySet:
    """Townships whose dashboard the user may open: their own, and those holding one of their sites."""
    return Township.objects.for_user(user)


def scope_key(user) -> str:
    """What makes two users' dashboards the same: their scope, not who they are."""
    scope = scope_of(user)
    if scope.everything:
        return "all"
    return (
        f"t{','.join(map(str, sorted(scope.township_ids)))}"
        f"s{','.join(map(str, sorted(scope.settlement_ids)))}"
        f"d{scope.department_id or ''}"
    )


# --- the frame: households, members, places (from the figures table) -------------------------------


def figures_for(user, focus: Focus) -> QuerySet:
    """The figures rows of the households a page counts: the same households as :func:`households_for`
    (the same scope rule, over the place the row copies from its household)."""
    from relocation.models import household_scope_q

    from .models import HouseholdFigures

    qs = HouseholdFigures.objects.all()
    q = household_scope_q(user, pk="household")
    return _at(qs if q is None else qs.filter(q), focus)


def figures_scope(qs: QuerySet, user, focus: Focus) -> QuerySet:
    """Rows kept per place (township, settlement) of the user's scope and the page's place.

    Per-place sums cannot follow households one by one: the households a reader sees only through
    their department's measures are not in them (bureau staff have no dashboards, and district-wide
    readers see every place).
    """
    scope = scope_of(user)
    q = scope.q(township="township", settlement="settlement")
    if q is not None:
        qs = qs.filter(q)
    return _at(qs, focus)


def _at(qs: QuerySet, focus: Focus) -> QuerySet:
    if focus.settlement is not None:
        return qs.filter(settlement=focus.settlement)
    if focus.township is not None:
        return qs.filter(township=focus.township)
    return qs


PLACE_FIELDS = ("township_id", "settlement_id", "household_type", "placement", "status")


def figure_counts(figures: QuerySet, *, today, income_since=None, lines: tuple | None = None) -> list[dict]:
    """Everything the page counts per household, grouped by place, type, placement and status: one query.

    Each row has the households ``n``; their members (``sum_people``, ``sum_can_work``,
    ``sum_employed_can_work``, and per employment value ``sum_<value>`` and ``sum_<value>_can_work``);
    ``zero`` zero-employment
    households; ``overdue`` households past their visit's due date on ``today``; and with ``lines``
    (monitoring line, warning line) the households of each income band, over the rows whose income
    window starts at ``income_since``.
    """
    summed = ["people", "can_work", "employed_can_work"]
    for value in Member.Employment.values:
        summed += [value, f"{value}_can_work"]
    # Named sum_<field>: an annotation named like the field would shadow it in the filters below.
    sums = {"n": Count("pk"), **{f"sum_{name}": Sum(name) for name in summed}}
    sums["zero"] = Count("pk", filter=Q(can_work__gt=0, employed=0))
    sums["overdue"] = Count("pk", filter=Q(visit_due_on__lt=today))
    if lines is not None:
        line, warning = lines
        recorded = Q(income_since=income_since, per_capita_income__isnull=False)  # NULL: income not known
        sums["below"] = Count("pk", filter=recorded & Q(per_capita_income__lt=line))
        sums["warning"] = Count("pk", filter=recorded & Q(per_capita_income__gte=line, per_capita_income__lt=warning))
        sums["above"] = Count("pk", filter=recorded & Q(per_capita_income__gte=warning))
    return list(figures.order_by().values(*PLACE_FIELDS).annotate(**sums))
