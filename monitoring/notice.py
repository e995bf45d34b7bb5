"""What a public notice (公示) shows, as a printable page and as an A4 PDF for the notice board.

The rows carry only the head of household's name, the village or site, and the object type (or
"风险消除"): never an ID number, a phone, a bank account, a health condition or a disability. The page
and the PDF are built from :func:`notice_rows` alone, so neither can show more.
"""

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .models import Procedure, PublicNotice

FONT_NAME = "NoticeChinese"


@dataclass(frozen=True)
class NoticeRow:
    number: int
    head_name: str
    place: str
    what: str


def notice_title(notice: PublicNotice) -> str:
    if notice.procedure == Procedure.ELIMINATION:
        return _("Public notice of risk elimination of monitoring objects")
    return _("Public notice of identified monitoring objects")


def notice_rows(notice: PublicNotice) -> list[NoticeRow]:
    rows = []
    cases = notice.cases.select_related("household__village", "household__settlement").order_by("household__code")
    for number, case in enumerate(cases, start=1):
        h = case.household
        place = h.settlement or h.village
        what = _("Risk elimination") if notice.procedure == Procedure.ELIMINATION else case.get_object_type_display()
        rows.append(NoticeRow(number, h.head_name, place.name if place else notice.township.name, str(what)))
    return rows


def notice_text(notice: PublicNotice) -> dict:
    """The notice's heading, introduction and closing lines, shared by the page and the PDF."""
    return {
        "title": f"{notice.place_name}{notice_title(notice)}",
        "intro": _(
            "After the household check, the department cross-check and the village review, the following "
            "households are publicly notified from %(start)s to %(end)s (%(days)s days)."
        )
        % {
            "start": f"{notice.starts_on:%Y年%-m月%-d日}",
            "end": f"{notice.ends_on:%Y年%-m月%-d日}",
            "days": notice.days,
        },
        "objections": _(
            "Anyone with an objection may report it, in person or by phone, during the notice period to "
            "%(office)s, telephone %(phone)s."
        )
        % {"office": notice.office, "phone": notice.office_phone},
        "signature": f"{notice.township.name}",
        "date": f"{notice.starts_on:%Y年%-m月%-d日}",
        "columns": [_("No."), _("Head of household"), _("Village or site"), _("Object type")],
    }


def _font_path() -> Path:
    return Path(getattr(settings, "NOTICE_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"))


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        path = _font_path()
        if not path.exists():
            raise FileNotFoundError(f"Chinese font not found at {path}: install fonts-wqy-microhei or set NOTICE_FONT.")
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME


def notice_pdf(notice: PublicNotice) -> bytes:
    """The notice as an A4 PDF with a Chinese font, ready to print and post."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _register_font()
    text = notice_text(notice)
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1, spaceAfter=6 * mm)
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK")
    right = ParagraphStyle("right", parent=body, alignment=2, firstLineIndent=0)
    cell = ParagraphStyle("cell", fontName=font, fontSize=11, leading=15, wordWrap="CJK")
    data = [[Paragraph(str(c), cell) for c in text["columns"]]]
    for row in notice_rows(notice):
        data.append([Paragraph(str(v), cell) for v in (row.number, row.head_name, row.place, row.what)])
    table = Table(data, colWidths=[15 * mm, 45 * mm, 60 * mm, 50 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=text["title"],
        author=text["signature"],
    )
    doc.build(
        [
            Paragraph(text["title"], title),
            Paragraph(text["intro"], body),
            Spacer(1, 4 * mm),
            table,
            Spacer(1, 6 * mm),
            Paragraph(text["objections"], body),
            Spacer(1, 12 * mm),
            Paragraph(text["signature"], right),
            Paragraph(text["date"], right),
        ]
    )
    return out.getvalue()
