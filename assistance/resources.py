"""就业记录 from Excel (务工就业台账), through the portal's import machinery (``exchange``).

One row per spell of a member's employment, found by the member's ID number (身份证号码) in the
uploader's area; a name, when given, must be that member's. A row is matched on member + 就业单位 +
开始日期, so the same workbook imported twice changes nothing. After the write each member's
current employment (and so the zero-employment list) follows their records, as when a record is
added on the member's page.
"""

from functools import partial

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange import cells
from exchange.columns import Column, Spec, label
from exchange.records import RecordKind, register
from relocation import vocabulary
from relocation.idnumbers import mask_id_number
from relocation.models import Member
from relocation.resources import ID_NUMBER

from .models import EmploymentKind, EmploymentRecord

text = cells.parse_text
KINDS = cells.Choices(
    EmploymentKind.choices,
    {
        **{w: v for w, v in vocabulary.EMPLOYMENT.items() if v in EmploymentKind.values},
        "县内就业": EmploymentKind.LOCAL,
        "本地务工": EmploymentKind.LOCAL,
        "就近就业": EmploymentKind.LOCAL,
        "省内务工": EmploymentKind.PROVINCE,
        "省内县外就业": EmploymentKind.PROVINCE,
        "省外就业": EmploymentKind.OUTSIDE,
        "外出务工": EmploymentKind.OUTSIDE,
        "公益性岗位就业": EmploymentKind.WELFARE_POST,
        "自主创业就业": EmploymentKind.SELF_EMPLOYED,
        "灵活就业": EmploymentKind.SELF_EMPLOYED,
    },
)
money = partial(cells.parse_decimal, places=2, maximum=10**7)

EMPLOYMENT = Spec(
    "employment",
    gettext_lazy("Employment records"),
    [
        Column(
            "member",
            gettext_lazy("ID number"),
            cells.parse_id_number,
            ID_NUMBER,
            required=True,
            example="36112219800101001X",
        ),
        Column(
            "name",
            gettext_lazy("Name"),
            partial(text, max_length=50, compact=True),
            ("姓名", "务工人员姓名", "劳动力姓名"),
            example="张三",
        ),
        Column(
            "kind",
            label(EmploymentRecord, "kind"),
            KINDS.parse,
            ("就业类型", "就业形式", "务工类型", "就业方式", "务工地域"),
            required=True,
            example="县内务工",
            choices=KINDS.labels(),
        ),
        Column(
            "employer",
            label(EmploymentRecord, "employer"),
            partial(text, max_length=100),
            ("就业单位", "务工单位", "工作单位", "就业单位或地点"),
            required=True,
            example="广丰区某某制衣厂",
        ),
        Column("job", label(EmploymentRecord, "job"), partial(text, max_length=60), ("岗位", "工种", "从事岗位")),
        Column(
            "place",
            label(EmploymentRecord, "place"),
            partial(text, max_length=60),
            ("务工地点", "就业地点", "工作地点"),
            example="广丰区",
        ),
        Column(
            "start_date",
            label(EmploymentRecord, "start_date"),
            cells.parse_date,
            ("开始日期", "就业时间", "务工开始时间", "开始时间", "入职时间", "外出务工时间"),
            required=True,
            example="2025-02-01",
        ),
        Column(
            "end_date",
            label(EmploymentRecord, "end_date"),
            cells.parse_date,
            ("结束日期", "务工结束时间", "结束时间", "离职时间"),
        ),
        Column(
            "monthly_income",
            label(EmploymentRecord, "monthly_income"),
            money,
            ("月收入（元）", "月收入", "月工资", "月均收入", "月工资（元）"),
            example=3500,
        ),
        Column("notes", label(EmploymentRecord, "notes"), partial(text, max_length=200), ("备注",)),
    ],
    key=("member",),
)


def resolve_members(rows, analysis, gate):
    """身份证号码 → the member, in the uploader's area; the dates follow the rules of the member's page."""
    numbers = sorted({r.values["member"] for r in rows if r.values.get("member")})
    members = {}
    for start in range(0, len(numbers), 2000):
        for m in Member.objects.filter(id_number__in=numbers[start : start + 2000]).values(
            "pk", "id_number", "name", "household_id", "household__township_id", "household__settlement_id"
        ):
            members[m["id_number"]] = m
    today = timezone.localdate()
    kept = []
    for row in rows:
        v = row.values
        number = v.get("member")
        if not number:
            continue  # required or unreadable: already named
        m = members.get(number)
        if m is None or not gate.allows(m["household__township_id"], m["household__settlement_id"]):
            analysis.error(
                row.sheet,
                row.number,
                row.headers["member"],
                _("No household member with ID number %(id)s in your area.") % {"id": mask_id_number(number)},
            )
            continue
        if v.get("name") and v["name"] != m["name"]:
            analysis.error(
                row.sheet,
                row.number,
                row.headers["name"],
                _("The member with this ID number is %(name)s, not %(given)s.")
                % {"name": m["name"], "given": v["name"]},
            )
            continue
        if v.get("start_date") and v["start_date"] > today:
            analysis.error(row.sheet, row.number, row.headers["start_date"], _("The start date is in the future."))
            continue
        if v.get("start_date") and v.get("end_date") and v["end_date"] < v["start_date"]:
            analysis.error(row.sheet, row.number, row.headers["end_date"], _("The end date is before the start date."))
            continue
        v["member"] = m["pk"]
        v["household"] = m["household_id"]
        kept.append(row)
    return kept


def _members_follow(records, actor) -> None:
    """Each member's current employment follows their records; the dashboards' figures follow them."""
    from dashboards import summary

    from .services import _sync_member_employment

    member_ids = {r.member_id for r in records}
    for member in Member.objects.filter(pk__in=member_ids):
        _sync_member_employment(member)
    summary.refresh_households({r.household_id for r in records})


register(
    RecordKind(
        EMPLOYMENT,
        EmploymentRecord,
        ("member", "employer", "start_date"),
        resolve_members,
        author_field="recorded_by",
        after_write=_members_follow,
        unstored=("name",),
    )
)
