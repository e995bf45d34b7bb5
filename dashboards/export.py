"""The dashboards' figures as Excel: one chart as one sheet, or the whole page as a workbook.

Figures are counts, not personal data, but taking them out is still recorded in the access log
(through ``exchange.export``), as every export is.
"""

import tempfile
from datetime import datetime

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.models import AccessLog, log_access
from exchange.export import XLSX_CONTENT_TYPE, export_filename, write_sheet, xlsx_response


def chart_rows(chart: dict) -> list[list]:
    """A chart's table as it is printed: the label, then each number (an empty cell for none)."""
    return [["" if v is None else v for v in row] for row in chart["rows"]]


def card_rows(cards: list[dict]) -> list[list]:
    return [[c["label"], "" if c["value"] is None else c["value"], c["unit"], c["hint"]] for c in cards]


def dashboard_workbook_response(*, request, place: str, cards: list[dict], charts: list[dict], computed_at: datetime):
    """Answer with the figures of the given charts (and key figures) as an .xlsx download."""
    subtitle = _("%(place)s · figures as of %(time)s") % {
        "place": place,
        "time": timezone.localtime(computed_at).strftime("%Y-%m-%d %H:%M"),
    }
    if len(charts) == 1 and not cards:
        chart = charts[0]
        return xlsx_response(
            request=request,
            filename=export_filename(f"{place}_{chart['title']}"),
            title=chart["title"],
            subtitle=subtitle,
            columns=chart["columns"],
            rows=chart_rows(chart),
            object_type="dashboards.chart",
            detail=chart["key"],
        )
    workbook = Workbook(write_only=True)
    count = 0
    if cards:
        count += write_sheet(
            workbook,
            title=_("Key figures"),
            subtitle=subtitle,
            columns=[_("Figure"), _("Value"), _("Unit"), _("Note")],
            rows=card_rows(cards),
        )
    for chart in charts:
        count += write_sheet(
            workbook, title=chart["title"], subtitle=subtitle, columns=chart["columns"], rows=chart_rows(chart)
        )
    spool = tempfile.TemporaryFile(prefix="dashboard-", suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    log_access(request.user, AccessLog.Action.EXPORT, object_type="dashboards.dashboard", rows=count, detail=place)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=export_filename(f"{place}_{_('Dashboard')}"),
        content_type=XLSX_CONTENT_TYPE,
    )
