"""The five site ledgers from Excel: 设施管护台账, 安全隐患排查台账, 社区活动台账, 群众诉求处理台账 and
扶贫项目资产台账, through the portal's import machinery (``exchange``: upload → preview naming every
bad cell → all-or-nothing commit with history, in the uploader's scope).

Each row names its site (安置点, by name or code) and, for hazards and requests, optionally the
household (户编号) it concerns. A row is matched to the ledger on a natural key, so importing the
same workbook again changes nothing:

- facilities: site + 设施类型 + 设施名称;
- hazards: site + 发现日期 + 隐患类型 + 位置 + household;
- activities: site + 日期 + 活动名称;
- requests: site + 受理日期 + 诉求人 + 诉求内容;
- assets: site + 资产名称.
"""

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange import cells
from exchange.columns import Column, Spec, label
from exchange.records import RecordKind, register
from relocation.models import Household

from .models import CommunityActivity, Facility, FacilityType, ProjectAsset, ResidentRequest, SafetyHazard, Settlement

text = cells.parse_text
HOUSEHOLD_CODE = ("户编号", "户码", "户号", "家庭编号", "户编码", "农户编号")
YES_NO = ["是", "否"]


def _choices(model_choices, synonyms=None):
    return cells.Choices(model_choices, synonyms or {})


def site_column():
    return Column(
        "settlement",
        label(Facility, "settlement"),
        None,  # resolved against the sites in the database
        ("安置点", "安置点名称", "安置区", "安置小区", "安置点编码", "所属安置点"),
        required=True,
        example="洋口安置小区",
    )


def household_column():
    return Column(
        "household",
        gettext_lazy("Household code"),
        cells.parse_code,
        HOUSEHOLD_CODE,
        help=gettext_lazy("Only when the row concerns one household; it must live at the site."),
    )


# ---------------------------------------------------------------------------------------------
# Resolving names


def resolve_sites(rows, analysis, gate):
    """安置点 by name or code, in the uploader's area; 户编号 (when the sheet has it) at that site."""
    sites = {}
    for pk, code, name, township_id in Settlement.objects.values_list("pk", "code", "name", "township_id"):
        sites[code.upper()] = sites[name] = (pk, township_id)
    codes = sorted({r.values["household"] for r in rows if r.values.get("household")})
    households = {}
    for start in range(0, len(codes), 2000):
        for pk, code, township_id, settlement_id in Household.objects.filter(
            code__in=codes[start : start + 2000]
        ).values_list("pk", "code", "township_id", "settlement_id"):
            households[code] = (pk, township_id, settlement_id)
    kept = []
    for row in rows:
        v = row.values
        given = v.get("settlement")
        if given is None:
            continue  # "required" is already named
        name = cells.WHITESPACE.sub("", given)
        found = sites.get(name) or sites.get(name.upper())
        if found is None:
            analysis.error(
                row.sheet, row.number, row.headers["settlement"], _("No settlement site named “%(n)s”.") % {"n": given}
            )
            continue
        if not gate.allows(found[1], found[0]):
            analysis.error(
                row.sheet,
                row.number,
                row.headers["settlement"],
                _("The site %(n)s is outside your area; you may only import the ledgers of your own sites.")
                % {"n": given},
            )
            continue
        v["settlement"] = found[0]
        code = v.get("household")
        if code:
            household = households.get(code)
            if household is None or not gate.allows(household[1], household[2]):
                analysis.error(
                    row.sheet,
                    row.number,
                    row.headers["household"],
                    _("No household with code %(code)s in your area.") % {"code": code},
                )
                continue
            if household[2] != found[0]:
                analysis.error(
                    row.sheet,
                    row.number,
                    row.headers["household"],
                    _("Household %(code)s does not live at the site %(site)s.") % {"code": code, "site": given},
                )
                continue
            v["household"] = household[0]
        elif "household" in v:
            v["household"] = None
        kept.append(row)
    return kept


def _household_stub(values):
    """A stand-in for clean(): resolve_sites has checked that the household lives at the site."""
    return Household(pk=values["household"], settlement_id=values["settlement"])


# ---------------------------------------------------------------------------------------------
# 设施管护台账

FACILITY_TYPES = _choices(
    FacilityType.choices,
    {
        "供水": FacilityType.WATER,
        "供排水": FacilityType.WATER,
        "给排水": FacilityType.WATER,
        "供排水管网": FacilityType.WATER,
        "垃圾处理": FacilityType.REFUSE,
        "垃圾收运": FacilityType.REFUSE,
        "污水处理": FacilityType.SEWAGE,
        "供电": FacilityType.POWER,
        "电力": FacilityType.POWER,
        "通信网络": FacilityType.NETWORK,
        "网络": FacilityType.NETWORK,
        "燃气": FacilityType.GAS,
        "充电桩": FacilityType.CHARGING,
        "公交站": FacilityType.BUS_STOP,
        "公交站点": FacilityType.BUS_STOP,
        "天网": FacilityType.CAMERAS,
        "天网工程": FacilityType.CAMERAS,
        "警务室": FacilityType.POLICE_ROOM,
        "消防设施": FacilityType.FIRE,
        "农贸市场": FacilityType.MARKET,
        "幼儿园": FacilityType.KINDERGARTEN,
        "学校": FacilityType.SCHOOL,
        "中小学": FacilityType.SCHOOL,
        "医院": FacilityType.HOSPITAL,
        "卫生室": FacilityType.CLINIC,
        "社区卫生服务站": FacilityType.CLINIC,
        "敬老院": FacilityType.WELFARE_HOME,
        "养老服务": FacilityType.ELDERLY_CARE,
        "养老服务设施": FacilityType.ELDERLY_CARE,
        "社区服务中心": FacilityType.SERVICE_CENTRE,
        "红白喜事场所": FacilityType.CEREMONY_HALL,
        "公墓": FacilityType.CEMETERY,
        "公益性公墓": FacilityType.CEMETERY,
        "废品回收": FacilityType.RECYCLING,
        "废品回收点": FacilityType.RECYCLING,
        "道路": FacilityType.ROAD,
        "其他": FacilityType.OTHER,
    },
)
FACILITY_STATUS = _choices(
    Facility.Status.choices,
    {"正常": Facility.Status.IN_USE, "正常使用": Facility.Status.IN_USE, "良好": Facility.Status.IN_USE,
     "待维修": Facility.Status.NEEDS_REPAIR, "需维修": Facility.Status.NEEDS_REPAIR,
     "停用": Facility.Status.OUT_OF_SERVICE, "损坏停用": Facility.Status.OUT_OF_SERVICE,
     "在建": Facility.Status.PLANNED, "规划": Facility.Status.PLANNED},
)  # fmt: skip

FACILITIES = Spec(
    "facilities",
    gettext_lazy("Facility upkeep ledger"),
    [
        site_column(),
        Column(
            "facility_type",
            label(Facility, "facility_type"),
            FACILITY_TYPES.parse,
            ("设施类型", "设施类别", "类型"),
            required=True,
            example="供水",
            choices=FACILITY_TYPES.labels(),
        ),
        Column(
            "name",
            gettext_lazy("Facility name"),
            partial(text, max_length=80),
            ("设施名称", "名称", "设施"),
            required=True,
            example="安置小区供水泵房",
        ),
        Column("location", label(Facility, "location"), partial(text, max_length=120), ("位置", "所在位置", "地点")),
        Column(
            "status",
            label(Facility, "status"),
            FACILITY_STATUS.parse,
            ("状态", "运行状态", "使用状态"),
            example="正常使用",
            choices=FACILITY_STATUS.labels(),
        ),
        Column(
            "maintainer",
            label(Facility, "maintainer"),
            partial(text, max_length=80),
            ("管护单位", "管护主体", "管护责任单位"),
            example="洋口镇自来水厂",
        ),
        Column(
            "maintainer_contact",
            label(Facility, "maintainer_contact"),
            partial(text, max_length=50),
            ("管护联系电话", "联系电话", "管护人及电话"),
        ),
        Column(
            "handed_over",
            label(Facility, "handed_over"),
            cells.parse_bool,
            ("是否移交", "已纳入迁入地统一管理", "是否纳入统一管理"),
            example="是",
            choices=YES_NO,
        ),
        Column(
            "built_year",
            label(Facility, "built_year"),
            partial(cells.parse_int, minimum=1950, maximum=2100),
            ("建成年份", "建设年份"),
            example=2019,
        ),
        Column("notes", label(Facility, "notes"), partial(text, max_length=2000), ("备注",)),
    ],
    key=("settlement",),
)
register(RecordKind(FACILITIES, Facility, ("settlement", "facility_type", "name"), resolve_sites))

# ---------------------------------------------------------------------------------------------
# 安全隐患排查台账

HAZARD_TYPES = _choices(
    SafetyHazard.Type.choices,
    {"地质灾害": SafetyHazard.Type.GEOLOGICAL, "地灾": SafetyHazard.Type.GEOLOGICAL,
     "消防": SafetyHazard.Type.FIRE, "消防安全": SafetyHazard.Type.FIRE, "火灾隐患": SafetyHazard.Type.FIRE,
     "房屋质量": SafetyHazard.Type.HOUSING, "住房安全": SafetyHazard.Type.HOUSING,
     "燃气": SafetyHazard.Type.GAS, "燃气安全": SafetyHazard.Type.GAS,
     "用电": SafetyHazard.Type.ELECTRICAL, "用电安全": SafetyHazard.Type.ELECTRICAL,
     "电气": SafetyHazard.Type.ELECTRICAL,
     "其他": SafetyHazard.Type.OTHER},
)  # fmt: skip
SEVERITIES = _choices(
    SafetyHazard.Severity.choices,
    {"一般隐患": SafetyHazard.Severity.GENERAL, "较大": SafetyHazard.Severity.MAJOR,
     "较大隐患": SafetyHazard.Severity.MAJOR, "重大": SafetyHazard.Severity.SERIOUS,
     "重大隐患": SafetyHazard.Severity.SERIOUS},
)  # fmt: skip

HAZARDS = Spec(
    "hazards",
    gettext_lazy("Safety hazard ledger"),
    [
        site_column(),
        household_column(),
        Column(
            "hazard_type",
            label(SafetyHazard, "hazard_type"),
            HAZARD_TYPES.parse,
            ("隐患类型", "隐患类别", "类型"),
            required=True,
            example="消防安全",
            choices=HAZARD_TYPES.labels(),
        ),
        Column(
            "severity",
            label(SafetyHazard, "severity"),
            SEVERITIES.parse,
            ("严重程度", "隐患等级", "隐患级别"),
            example="一般",
            choices=SEVERITIES.labels(),
        ),
        Column(
            "location", label(SafetyHazard, "location"), partial(text, max_length=120), ("位置", "隐患位置", "地点")
        ),
        Column(
            "description",
            label(SafetyHazard, "description"),
            partial(text, max_length=2000),
            ("隐患描述", "隐患内容", "存在问题", "隐患情况"),
            required=True,
            example="3栋楼道灭火器过期",
        ),
        Column(
            "found_on",
            label(SafetyHazard, "found_on"),
            cells.parse_date,
            ("发现日期", "排查日期", "发现时间", "排查时间"),
            required=True,
            example="2025-03-01",
        ),
        Column(
            "found_by",
            label(SafetyHazard, "found_by"),
            partial(text, max_length=80),
            ("发现人", "排查人", "排查人员"),
            required=True,
            example="李四",
        ),
        Column(
            "responsible_unit",
            label(SafetyHazard, "responsible_unit"),
            partial(text, max_length=80),
            ("责任单位", "整改责任单位", "整改单位"),
            required=True,
            example="洋口镇安监站",
        ),
        Column(
            "deadline",
            label(SafetyHazard, "deadline"),
            cells.parse_date,
            ("整改期限", "整改时限", "限期整改日期"),
            required=True,
            example="2025-03-15",
        ),
        Column(
            "rectified_on",
            label(SafetyHazard, "rectified_on"),
            cells.parse_date,
            ("整改完成日期", "整改完成时间", "销号日期"),
        ),
        Column(
            "rectification",
            label(SafetyHazard, "rectification"),
            partial(text, max_length=2000),
            ("整改措施", "整改情况"),
        ),
    ],
    key=("settlement",),
)
register(
    RecordKind(
        HAZARDS,
        SafetyHazard,
        ("settlement", "found_on", "hazard_type", "location", "household"),
        resolve_sites,
        stubs={"household": _household_stub},
    )
)

# ---------------------------------------------------------------------------------------------
# 社区活动台账 (社区治理工作台账)

ACTIVITY_KINDS = _choices(
    CommunityActivity.Kind.choices,
    {"技能培训": CommunityActivity.Kind.TRAINING, "夜校": CommunityActivity.Kind.TRAINING,
     "培训": CommunityActivity.Kind.TRAINING, "招聘会": CommunityActivity.Kind.JOB_FAIR,
     "送岗进点": CommunityActivity.Kind.JOB_FAIR, "节庆活动": CommunityActivity.Kind.FESTIVAL,
     "文化活动": CommunityActivity.Kind.FESTIVAL, "感恩教育": CommunityActivity.Kind.GRATITUDE,
     "三讲一评": CommunityActivity.Kind.GRATITUDE, "志愿服务": CommunityActivity.Kind.VOLUNTEER,
     "文明创建": CommunityActivity.Kind.CIVILITY, "移风易俗": CommunityActivity.Kind.CIVILITY,
     "社工服务": CommunityActivity.Kind.SOCIAL_WORK, "心理疏导": CommunityActivity.Kind.SOCIAL_WORK,
     "党建活动": CommunityActivity.Kind.PARTY, "主题党日": CommunityActivity.Kind.PARTY,
     "安全演练": CommunityActivity.Kind.SAFETY, "安全宣传": CommunityActivity.Kind.SAFETY,
     "其他": CommunityActivity.Kind.OTHER},
)  # fmt: skip

ACTIVITIES = Spec(
    "activities",
    gettext_lazy("Community activity ledger"),
    [
        site_column(),
        Column(
            "kind",
            gettext_lazy("Activity type"),
            ACTIVITY_KINDS.parse,
            ("活动类型", "活动类别", "类别", "类型"),
            required=True,
            example="技能培训",
            choices=ACTIVITY_KINDS.labels(),
        ),
        Column(
            "title",
            gettext_lazy("Activity name"),
            partial(text, max_length=100),
            ("活动名称", "活动主题", "标题", "名称"),
            required=True,
            example="家政服务技能培训",
        ),
        Column(
            "date",
            label(CommunityActivity, "date"),
            cells.parse_date,
            ("日期", "活动日期", "活动时间", "时间"),
            required=True,
            example="2025-04-10",
        ),
        Column("place", label(CommunityActivity, "place"), partial(text, max_length=100), ("地点", "活动地点")),
        Column(
            "organiser",
            label(CommunityActivity, "organiser"),
            partial(text, max_length=80),
            ("组织单位", "主办单位", "组织者", "承办单位"),
            required=True,
            example="洋口镇人社所",
        ),
        Column(
            "participants",
            label(CommunityActivity, "participants"),
            partial(cells.parse_int, minimum=0, maximum=100_000),
            ("参加人数", "参与人数", "人数"),
            example=30,
        ),
        Column(
            "summary",
            label(CommunityActivity, "summary"),
            partial(text, max_length=4000),
            ("内容摘要", "活动内容", "活动情况", "内容"),
        ),
    ],
    key=("settlement",),
)
register(RecordKind(ACTIVITIES, CommunityActivity, ("settlement", "date", "title"), resolve_sites))

# ---------------------------------------------------------------------------------------------
# 群众诉求处理台账

R = ResidentRequest
CHANNELS = _choices(
    R.Channel.choices,
    {"来访": R.Channel.VISIT, "现场": R.Channel.VISIT, "来电": R.Channel.PHONE, "电话": R.Channel.PHONE,
     "12345": R.Channel.HOTLINE, "12345热线": R.Channel.HOTLINE, "入户走访": R.Channel.DOOR,
     "走访": R.Channel.DOOR, "网络": R.Channel.ONLINE, "微信": R.Channel.ONLINE, "来信": R.Channel.LETTER,
     "信访": R.Channel.LETTER, "其他": R.Channel.OTHER},
)  # fmt: skip
REQUEST_KINDS = _choices(
    R.Kind.choices,
    {"求助": R.Kind.REQUEST, "诉求": R.Kind.REQUEST, "投诉": R.Kind.COMPLAINT, "咨询": R.Kind.CONSULTATION,
     "建议": R.Kind.SUGGESTION},
)  # fmt: skip
REQUEST_STATUS = _choices(
    R.Status.choices,
    {"已受理": R.Status.RECEIVED, "受理": R.Status.RECEIVED, "已交办": R.Status.ASSIGNED,
     "办理中": R.Status.ASSIGNED, "已答复": R.Status.ANSWERED, "已办结": R.Status.CLOSED, "办结": R.Status.CLOSED},
)  # fmt: skip
SATISFACTION = _choices(
    [("", ""), *R.Satisfaction.choices],
    {"满意": R.Satisfaction.SATISFIED, "基本满意": R.Satisfaction.BASICALLY, "不满意": R.Satisfaction.UNSATISFIED,
     "联系不上": R.Satisfaction.UNREACHABLE, "无法联系": R.Satisfaction.UNREACHABLE},
)  # fmt: skip

REQUESTS = Spec(
    "requests",
    gettext_lazy("Residents' requests ledger"),
    [
        site_column(),
        household_column(),
        Column(
            "requester",
            label(R, "requester"),
            partial(text, max_length=50, compact=True),
            ("诉求人", "诉求人姓名", "反映人", "来访人"),
            required=True,
            example="王五",
        ),
        Column(
            "requester_phone",
            label(R, "requester_phone"),
            cells.parse_phone,
            ("诉求人电话", "联系电话", "电话"),
            example="13900000000",
        ),
        Column(
            "channel",
            label(R, "channel"),
            CHANNELS.parse,
            ("诉求渠道", "反映渠道", "来源", "渠道"),
            required=True,
            example="来访",
            choices=CHANNELS.labels(),
        ),
        Column(
            "kind",
            gettext_lazy("Request type"),
            REQUEST_KINDS.parse,
            ("诉求类别", "诉求类型", "类别"),
            example="求助",
            choices=REQUEST_KINDS.labels(),
        ),
        Column(
            "received_on",
            label(R, "received_on"),
            cells.parse_date,
            ("受理日期", "受理时间", "反映日期", "登记日期"),
            required=True,
            example="2025-05-06",
        ),
        Column(
            "content",
            label(R, "content"),
            partial(text, max_length=4000),
            ("诉求内容", "反映问题", "诉求事项", "主要诉求"),
            required=True,
            example="楼道灯不亮",
        ),
        Column(
            "status",
            gettext_lazy("Handling status"),
            REQUEST_STATUS.parse,
            ("办理状态", "办理情况", "状态"),
            example="已办结",
            choices=REQUEST_STATUS.labels(),
        ),
        Column("deadline", label(R, "deadline"), cells.parse_date, ("办结期限", "办理时限", "答复期限")),
        Column("answer", label(R, "answer"), partial(text, max_length=4000), ("答复内容", "办理结果", "处理结果")),
        Column("answered_on", label(R, "answered_on"), cells.parse_date, ("答复日期", "办结日期")),
        Column(
            "satisfaction",
            label(R, "satisfaction"),
            SATISFACTION.parse,
            ("满意度", "群众满意度", "回访满意度"),
            choices=SATISFACTION.labels()[1:],
        ),
    ],
    key=("settlement",),
)


def _request_rules(rows, analysis, gate):
    """Requests: an answered or closed request has its answer; then the site and household."""
    kept = resolve_sites(rows, analysis, gate)
    done = (R.Status.ANSWERED, R.Status.CLOSED)
    for row in kept:
        v = row.values
        if v.get("status") in done and not v.get("answer"):
            header = row.headers.get("answer") or row.headers.get("status")
            analysis.error(row.sheet, row.number, header, _("An answered or closed request needs its answer."))
        elif v.get("answered_on") and v.get("received_on") and v["answered_on"] < v["received_on"]:
            analysis.error(
                row.sheet,
                row.number,
                row.headers["answered_on"],
                _("A request cannot be answered before it was received."),
            )
    return kept


register(
    RecordKind(
        REQUESTS,
        R,
        ("settlement", "received_on", "requester", "content"),
        _request_rules,
        stubs={"household": _household_stub},
    )
)

# ---------------------------------------------------------------------------------------------
# 扶贫项目资产台账

ASSET_KINDS = _choices(
    ProjectAsset.Kind.choices,
    {"帮扶车间": ProjectAsset.Kind.WORKSHOP, "扶贫车间": ProjectAsset.Kind.WORKSHOP,
     "种植基地": ProjectAsset.Kind.INDUSTRY_BASE, "养殖基地": ProjectAsset.Kind.INDUSTRY_BASE,
     "种养基地": ProjectAsset.Kind.INDUSTRY_BASE, "农牧业设施": ProjectAsset.Kind.AGRICULTURE,
     "商贸物流设施": ProjectAsset.Kind.COMMERCE, "旅游设施": ProjectAsset.Kind.TOURISM,
     "基础设施": ProjectAsset.Kind.INFRASTRUCTURE, "公共服务设施": ProjectAsset.Kind.PUBLIC_SERVICE,
     "安置住房": ProjectAsset.Kind.HOUSING, "其他": ProjectAsset.Kind.OTHER},
)  # fmt: skip
ASSET_STATUS = _choices(
    ProjectAsset.Status.choices,
    {"运营": ProjectAsset.Status.OPERATING, "正常运营": ProjectAsset.Status.OPERATING,
     "闲置": ProjectAsset.Status.IDLE, "在建": ProjectAsset.Status.UNDER_CONSTRUCTION,
     "已处置": ProjectAsset.Status.DISPOSED},
)  # fmt: skip

ASSETS = Spec(
    "assets",
    gettext_lazy("Project asset ledger"),
    [
        site_column(),
        Column(
            "name",
            gettext_lazy("Asset name"),
            partial(text, max_length=100),
            ("资产名称", "项目名称", "名称"),
            required=True,
            example="洋口帮扶车间",
        ),
        Column(
            "kind",
            label(ProjectAsset, "kind"),
            ASSET_KINDS.parse,
            ("资产类别", "资产类型", "类别"),
            required=True,
            example="帮扶车间",
            choices=ASSET_KINDS.labels(),
        ),
        Column(
            "registration_no",
            label(ProjectAsset, "registration_no"),
            partial(text, max_length=60),
            ("确权登记号", "确权登记编号", "登记编号"),
        ),
        Column("registered_on", label(ProjectAsset, "registered_on"), cells.parse_date, ("登记日期", "确权日期")),
        Column(
            "owner",
            label(ProjectAsset, "owner"),
            partial(text, max_length=100),
            ("产权归属", "所有权人", "产权单位"),
            required=True,
            example="洋口镇人民政府",
        ),
        Column(
            "manager",
            label(ProjectAsset, "manager"),
            partial(text, max_length=100),
            ("管护（经营）主体", "管护主体", "经营主体", "管护单位"),
            required=True,
            example="洋口镇某某公司",
        ),
        Column(
            "funding_source",
            label(ProjectAsset, "funding_source"),
            partial(text, max_length=100),
            ("资金来源",),
            example="衔接资金",
        ),
        Column(
            "value",
            label(ProjectAsset, "value"),
            partial(cells.parse_decimal, places=2, maximum=10**12),
            ("资产价值（元）", "资产价值", "资产原值", "投资金额", "资产金额（元）"),
            required=True,
            example=1200000,
        ),
        Column(
            "completed_year",
            label(ProjectAsset, "completed_year"),
            partial(cells.parse_int, minimum=2000, maximum=2100),
            ("建成年份", "竣工年份"),
            example=2020,
        ),
        Column(
            "status",
            label(ProjectAsset, "status"),
            ASSET_STATUS.parse,
            ("状态", "运营状态", "资产状态"),
            example="运营",
            choices=ASSET_STATUS.labels(),
        ),
        Column("notes", label(ProjectAsset, "notes"), partial(text, max_length=2000), ("备注",)),
    ],
    key=("settlement",),
)
register(RecordKind(ASSETS, ProjectAsset, ("settlement", "name"), resolve_sites))
