from datetime import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from accounts.scope import get_for_user_or_404, scope_of
from portal.heartbeat import service_statuses
from settlements.models import Settlement

from .export import dashboard_workbook_response
from .figures import dashboard_for
from .selectors import Focus, visible_townships


@login_required
@require_GET
def home(request):
    """Where each role lands: the work of the day, not a list to search.

    Heads open the dashboard; township staff 我的户 (their households, visits due, alerts); community
    staff their site's page when they serve one site; bureau staff their department's tasks; the
    district office its approval queue.
    """
    user = request.user
    if user.role == User.Role.HEAD and user.has_perm("dashboards.view_dashboard"):
        return redirect("dashboards:overview")
    if user.role == User.Role.SETTLEMENT_STAFF:
        sites = list(user.settlements.values_list("pk", flat=True)[:2])
        if len(sites) == 1:
            return redirect("settlements:settlement_detail", settlement_pk=sites[0])
        return redirect("settlements:settlement_list")
    if user.role == User.Role.TOWNSHIP_STAFF:
        return redirect("cadres:my_households")
    if user.role == User.Role.BUREAU_STAFF and user.department_id:
        return redirect("assistance:department_detail", department_pk=user.department_id)
    if user.role == User.Role.DISTRICT_OFFICE:
        return redirect("accounts:approvals")
    return redirect("relocation:household_list")


def _township_focus(request, township_pk) -> Focus:
    # A township outside the user's scope is not found, as every other object is.
    township = get_object_or_404(visible_townships(request.user), pk=township_pk)
    return Focus(township=township)


def _settlement_focus(request, settlement_pk) -> Focus:
    settlement = get_for_user_or_404(Settlement.objects.select_related("township"), request.user, pk=settlement_pk)
    return Focus(township=settlement.township, settlement=settlement)


def _render(request, focus: Focus):
    data = dashboard_for(request.user, focus)
    scope = scope_of(request.user)
    crumbs = [(_("District") if scope.everything else _("My scope"), "dashboards:overview", {})]
    if focus.township is not None:
        crumbs.append((focus.township.name, "dashboards:township", {"township_pk": focus.township.pk}))
    if focus.settlement is not None:
        crumbs.append((focus.settlement.name, "dashboards:settlement", {"settlement_pk": focus.settlement.pk}))
    export_kwargs = {}
    export_name = "dashboards:overview_export"
    if focus.settlement is not None:
        export_name, export_kwargs = "dashboards:settlement_export", {"settlement_pk": focus.settlement.pk}
    elif focus.township is not None:
        export_name, export_kwargs = "dashboards:township_export", {"township_pk": focus.township.pk}
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "focus": focus,
            "place_name": place_name(focus, scope.everything),
            "cards": data["cards"],
            "charts": data["charts"],
            "computed_at": datetime.fromisoformat(data["computed_at"]),
            "stale": data.get("stale", False),
            "crumbs": crumbs,
            "export_name": export_name,
            "export_kwargs": export_kwargs,
            "chart_data": {c["key"]: c for c in data["charts"] if not is_empty(c)},
            "tables": [table_of(c) for c in data["charts"]],
            "has_households": any(c["key"] == "households" and c["value"] for c in data["cards"]),
            # The administrator also sees whether the background worker and beat are alive.
            "services": service_statuses() if _is_admin(request.user) else None,
            "stale_minutes": settings.SERVICE_STALE_SECONDS // 60,
        },
    )


def _is_admin(user) -> bool:
    return user.is_superuser or user.role == User.Role.ADMIN


def is_empty(chart: dict) -> bool:
    """A chart with nothing to draw: no rows, or every plotted number zero or missing."""
    return not any(row[i] for row in chart["rows"] for i in chart["series"])


def table_of(chart: dict) -> dict:
    """A chart with its table cells paired with their links, for the template."""
    table = []
    for row, link, cells in zip(chart["rows"], chart["links"], chart["cell_links"], strict=True):
        table.append([(value, link if i == 0 else cells[i]) for i, value in enumerate(row)])
    return {**chart, "table": table, "empty": is_empty(chart), "wide": len(chart["columns"]) > 3}


def place_name(focus: Focus, district_wide: bool) -> str:
    if focus.settlement is not None:
        return f"{focus.settlement.township.name} · {focus.settlement.name}"
    if focus.township is not None:
        return focus.township.name
    return _("Guangfeng District") if district_wide else _("My townships and sites")


def _export(request, focus: Focus):
    data = dashboard_for(request.user, focus)
    chart = request.GET.get("chart", "")
    charts = data["charts"]
    if chart:
        charts = [c for c in charts if c["key"] == chart]
        if not charts:
            raise Http404(_("There is no such chart on this dashboard."))
    return dashboard_workbook_response(
        request=request,
        place=place_name(focus, scope_of(request.user).everything),
        cards=data["cards"] if not chart else [],
        charts=charts,
        computed_at=datetime.fromisoformat(data["computed_at"]),
    )


@login_required
@permission_required("dashboards.view_dashboard", raise_exception=True)
@require_GET
def overview(request):
    return _render(request, Focus())


@login_required
@permission_required("dashboards.view_dashboard", raise_exception=True)
@require_GET
def township(request, township_pk):
    return _render(request, _township_focus(request, township_pk))


@login_required
@permission_required("dashboards.view_dashboard", raise_exception=True)
@require_GET
def settlement(request, settlement_pk):
    return _render(request, _settlement_focus(request, settlement_pk))


@login_required
@permission_required("dashboards.export_dashboard", raise_exception=True)
@require_GET
def overview_export(request):
    return _export(request, Focus())


@login_required
@permission_required("dashboards.export_dashboard", raise_exception=True)
@require_GET
def township_export(request, township_pk):
    return _export(request, _township_focus(request, township_pk))


@login_required
@permission_required("dashboards.export_dashboard", raise_exception=True)
@require_GET
def settlement_export(request, settlement_pk):
    return _export(request, _settlement_focus(request, settlement_pk))
