"""Training rosters from Excel (技能培训花名册): the exchange app's reader, header matching and cell parsers,
with this ledger's own checks. Preview names every bad cell (sheet, row, column); the commit writes all
rows in one transaction, or none. A row already recorded (the same member, course and start date) is
left as it is, so importing the same roster twice adds nothing."""

from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from assistance.models import TrainingRecord
from exchange import cells, reader, sandbox
from exchange.columns import Column, Spec, label
from exchange.importer import Analysis, _read_sheet
from relocation.models import Member

KINDS = cells.Choices(
    TrainingRecord.Kind.choices,
    {
        "农业技术": "agriculture",
        "农业技术培训": "agriculture",
        "职业技能培训": "vocational",
        "技能培训": "vocational",
        "岗位培训": "post",
        "创业培训": "startup",
        "订单式培训": "order",
    },
)
money = partial(cells.parse_decimal, places=2, maximum=10**8)
BATCH = 2000

COLUMNS = [
    Column(
        "id_number",
        label(Member, "id_number"),
        cells.parse_id_number,
        ("身份证号", "身份证号码", "公民身份号码"),
        required=True,
        example="361122199001011234",
    ),
    Column(
        "name", label(Member, "name"), partial(cells.parse_text, max_length=50), ("姓名", "学员姓名"), example="张三"
    ),
    Column(
        "course",
        label(TrainingRecord, "course"),
        partial(cells.parse_text, max_length=100),
        ("培训课程", "培训项目", "课程名称", "培训名称"),
        required=True,
        example="电商直播带货培训",
    ),
    Column(
        "kind",
        label(TrainingRecord, "kind"),
        KINDS.parse,
        ("培训类别", "培训类型"),
        required=True,
        example="职业技能",
        choices=KINDS.labels(),
    ),
    Column(
        "organizer",
        label(TrainingRecord, "organizer"),
        partial(cells.parse_text, max_length=100),
        ("培训机构", "主办单位", "承办单位"),
        example="区人社局",
    ),
    Column(
        "start_date",
        label(TrainingRecord, "start_date"),
        cells.parse_date,
        ("开始日期", "培训开始日期", "开班日期"),
        required=True,
        example="2026-10-08",
    ),
    Column("end_date", label(TrainingRecord, "end_date"), cells.parse_date, ("结束日期", "培训结束日期", "结业日期")),
    Column("completed", label(TrainingRecord, "completed"), cells.parse_bool, ("是否结业", "结业"), example="是"),
    Column(
        "certificate",
        label(TrainingRecord, "certificate"),
        partial(cells.parse_text, max_length=100),
        ("取得证书", "证书"),
    ),
    Column("subsidy", label(TrainingRecord, "subsidy"), money, ("培训补贴", "补贴金额")),
]
SPEC = Spec("trainings", TrainingRecord._meta.verbose_name_plural, COLUMNS, key=("id_number", "course"))


@dataclass
class RosterAnalysis:
    analysis: Analysis = field(default_factory=Analysis)
    creates: list[dict] = field(default_factory=list)
    unchanged: int = 0

    @property
    def errors(self) -> list[dict]:
        return self.analysis.errors

    @property
    def error_count(self) -> int:
        return self.analysis.error_count


def analyse(path, *, user) -> RosterAnalysis:
    """Read and check a roster for ``user``; writes nothing. Raises reader.BadFile for a bad file."""
    # Read in a memory-capped child process, like every upload (exchange.sandbox).
    analysis, rows = sandbox.capped(_read, str(path))
    result = RosterAnalysis(analysis=analysis)
    numbers = sorted({r.values["id_number"] for r in rows if r.values.get("id_number")})
    members = {}
    for start in range(0, len(numbers), BATCH):
        chunk = numbers[start : start + BATCH]
        for member in (
            Member.objects.for_user(user).filter(id_number__in=chunk).only("pk", "name", "household_id", "id_number")
        ):
            members[member.id_number] = member
    candidates = []
    seen: dict[tuple, int] = {}
    for row in rows:
        v = row.values
        if (row.sheet, row.number) in analysis.invalid_rows:
            continue
        member = members.get(v.get("id_number"))
        if member is None:
            analysis.error(
                row.sheet,
                row.number,
                row.headers["id_number"],
                _("No member of a relocated household in your area has this ID number."),
            )
            continue
        if v.get("name") and v["name"] != member.name:
            analysis.error(
                row.sheet,
                row.number,
                row.headers["name"],
                _("The name does not match: the ID number belongs to %(name)s.") % {"name": member.name},
            )
            continue
        if v.get("end_date") and v["end_date"] < v["start_date"]:
            analysis.error(row.sheet, row.number, row.headers["end_date"], _("The end date is before the start date."))
            continue
        key = (member.pk, v["course"], v["start_date"])
        if key in seen:
            analysis.error(
                row.sheet,
                row.number,
                row.headers["course"],
                _("The same training of this member repeats row %(r)s.") % {"r": seen[key]},
            )
            continue
        seen[key] = row.number
        candidates.append((member, v))
    existing = set()
    member_ids = sorted({m.pk for m, _v in candidates})
    for start in range(0, len(member_ids), BATCH):
        existing |= set(
            TrainingRecord.objects.filter(member_id__in=member_ids[start : start + BATCH]).values_list(
                "member_id", "course", "start_date"
            )
        )
    for member, v in candidates:
        if (member.pk, v["course"], v["start_date"]) in existing:
            result.unchanged += 1
            continue
        result.creates.append(
            {
                "member_id": member.pk,
                "household_id": member.household_id,
                "course": v["course"],
                "kind": v["kind"],
                "organizer": v.get("organizer") or "",
                "start_date": v["start_date"],
                "end_date": v.get("end_date"),
                "completed": bool(v.get("completed")),
                "certificate": v.get("certificate") or "",
                "subsidy": v.get("subsidy"),
            }
        )
    return result


def _read(path: str) -> tuple[Analysis, list]:
    """Every roster sheet of the workbook, parsed; no database access."""
    analysis = Analysis()
    rows = []
    for info in reader.inspect(path):
        spec, sheet_rows, _columns = _read_sheet(path, info, [SPEC], analysis, None)
        if spec is not None:
            rows += sheet_rows
    if not any(s.kind for s in analysis.sheets):
        raise reader.BadFile(
            _("No sheet of this workbook has the header row of %(kinds)s. Start from the template.")
            % {"kinds": SPEC.title}
        )
    return analysis, rows


@transaction.atomic
def apply(result: RosterAnalysis, *, actor) -> int:
    """Write a checked roster, all rows or none; returns the trainings added."""
    if result.error_count:
        raise ValueError("a roster with invalid rows cannot be applied")
    records = [TrainingRecord(**values, recorded_by=actor) for values in result.creates]
    bulk_create_with_history(records, TrainingRecord, batch_size=BATCH, default_user=actor)
    return len(records)
