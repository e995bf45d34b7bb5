"""What county staff and the national 防返贫监测信息系统 write in a choice column, per field.

One table per choice field: word as written (after full-width clean-up, spaces removed,
case-insensitive) -> the stored value. A choice's own Chinese and English labels and its stored
value are accepted without being listed here (``exchange.cells.Choices``). Every word below has
its own test (``tests/relocation/test_vocabulary.py``): a word added here without one fails it.

Sources: the national system's export of 脱贫户/监测对象 (劳动技能, 健康状况, 文化程度, 务工状况,
与户主关系 as it writes them) and the county ledgers of 易地扶贫搬迁 (搬迁类型, 安置方式 with its
sub-kinds, as listed in 国家发展改革委《“十三五”时期易地扶贫搬迁工作方案》 and the provincial
后续扶持 ledgers). See docs/excel.md.
"""

from .models import Household, Member

HT, PL, RS, RK = Household.Type, Household.Placement, Household.Resettlement, Household.ResettlementKind
M = Member

HOUSEHOLD_TYPE = {
    "建档立卡搬迁户": HT.LIFTED,
    "建档立卡(搬迁)户": HT.LIFTED,
    "建档立卡贫困户": HT.LIFTED,
    "建档立卡户": HT.LIFTED,
    "搬迁脱贫户": HT.LIFTED,
    "脱贫户": HT.LIFTED,
    "易地搬迁脱贫户": HT.LIFTED,
    "随迁户": HT.ALONGSIDE,
    "同步搬迁户": HT.ALONGSIDE,
    "同步搬迁": HT.ALONGSIDE,
    "非建档立卡搬迁户": HT.ALONGSIDE,
    "非建档立卡同步搬迁户": HT.ALONGSIDE,
}

# 安置方式: a form, or a sub-kind (which names its form too).
RESETTLEMENT = {
    "集中": RS.CENTRALISED,
    "集中安置": RS.CENTRALISED,
    "分散": RS.DISPERSED,
    "分散安置": RS.DISPERSED,
    "行政村内就近集中安置": RK.NEAR_VILLAGE,
    "就近集中安置": RK.NEAR_VILLAGE,
    "建设移民新村集中安置": RK.NEW_VILLAGE,
    "移民新村集中安置": RK.NEW_VILLAGE,
    "依托小城镇或工业园区安置": RK.TOWN_OR_PARK,
    "依托小城镇安置": RK.TOWN_OR_PARK,
    "依托工业园区安置": RK.TOWN_OR_PARK,
    "依托乡村旅游区安置": RK.TOURISM,
    "其他集中安置": RK.OTHER_CENTRALISED,
    "插花安置": RK.SCATTERED,
    "进城购房安置": RK.HOME_IN_TOWN,
    "进城购房": RK.HOME_IN_TOWN,
    "投亲靠友": RK.RELATIVES,
    "投亲靠友安置": RK.RELATIVES,
    "其他分散安置": RK.OTHER_DISPERSED,
}

# 安置房类型 (the kind of dwelling).
HOUSING_TYPE = {
    "一户一宅": PL.HOMESTEAD,
    "自建房": PL.HOMESTEAD,
    "统规自建": PL.HOMESTEAD,
    "独栋": PL.HOMESTEAD,
    "套房": PL.APARTMENT,
    "集中安置套房": PL.APARTMENT,
    "单元房": PL.APARTMENT,
    "楼房": PL.APARTMENT,
    "统规统建": PL.APARTMENT,
}

RELATION = {
    "户主": M.Relation.HEAD,
    "本人": M.Relation.HEAD,
    "配偶": M.Relation.SPOUSE,
    "之配偶": M.Relation.SPOUSE,
    "妻": M.Relation.SPOUSE,
    "妻子": M.Relation.SPOUSE,
    "夫": M.Relation.SPOUSE,
    "丈夫": M.Relation.SPOUSE,
    "之子": M.Relation.SON,
    "儿子": M.Relation.SON,
    "子": M.Relation.SON,
    "长子": M.Relation.SON,
    "次子": M.Relation.SON,
    "之女": M.Relation.DAUGHTER,
    "女儿": M.Relation.DAUGHTER,
    "女": M.Relation.DAUGHTER,
    "长女": M.Relation.DAUGHTER,
    "次女": M.Relation.DAUGHTER,
    "父亲": M.Relation.PARENT,
    "母亲": M.Relation.PARENT,
    "父母": M.Relation.PARENT,
    "之父": M.Relation.PARENT,
    "之母": M.Relation.PARENT,
    "之公公": M.Relation.PARENT,
    "之婆婆": M.Relation.PARENT,
    "之岳父": M.Relation.PARENT,
    "之岳母": M.Relation.PARENT,
    "孙子": M.Relation.GRANDCHILD,
    "孙女": M.Relation.GRANDCHILD,
    "之孙": M.Relation.GRANDCHILD,
    "之孙子": M.Relation.GRANDCHILD,
    "之孙女": M.Relation.GRANDCHILD,
    "之外孙子女": M.Relation.GRANDCHILD,
    "兄弟姐妹": M.Relation.SIBLING,
    "之兄弟姐妹": M.Relation.SIBLING,
    "儿媳": M.Relation.CHILD_IN_LAW,
    "之儿媳": M.Relation.CHILD_IN_LAW,
    "女婿": M.Relation.CHILD_IN_LAW,
    "之女婿": M.Relation.CHILD_IN_LAW,
    "其他": M.Relation.OTHER,
    "其他亲属": M.Relation.OTHER,
}

LABOUR = {
    "无劳动力": M.Labour.NONE,
    "丧失劳动力": M.Labour.NONE,
    "无劳动能力": M.Labour.NONE,
    "弱劳动力": M.Labour.WEAK,
    "半劳动力": M.Labour.WEAK,
    "弱劳动力或半劳动力": M.Labour.WEAK,
    "普通劳动力": M.Labour.ORDINARY,
    "劳动力": M.Labour.ORDINARY,
    "技能劳动力": M.Labour.SKILLED,
}

HEALTH = {
    "健康": M.Health.HEALTHY,
    "长期慢性病": M.Health.CHRONIC,
    "慢性病": M.Health.CHRONIC,
    "大病": M.Health.SERIOUS,
    "患有大病": M.Health.SERIOUS,
    "重病": M.Health.SERIOUS,
    "残疾": M.Health.DISABLED,
    "残疾人": M.Health.DISABLED,
}

SCHOOLING = {
    "文盲或半文盲": M.Schooling.NONE,
    "文盲": M.Schooling.NONE,
    "半文盲": M.Schooling.NONE,
    "学前": M.Schooling.PRESCHOOL,
    "学前教育": M.Schooling.PRESCHOOL,
    "学龄前儿童": M.Schooling.PRESCHOOL,
    "小学": M.Schooling.PRIMARY,
    "初中": M.Schooling.JUNIOR,
    "高中": M.Schooling.SENIOR,
    "中专": M.Schooling.VOCATIONAL,
    "中职": M.Schooling.VOCATIONAL,
    "中等职业教育": M.Schooling.VOCATIONAL,
    "技工院校": M.Schooling.VOCATIONAL,
    "大专及以上": M.Schooling.COLLEGE,
    "大专": M.Schooling.COLLEGE,
    "本科": M.Schooling.COLLEGE,
    "本科及以上": M.Schooling.COLLEGE,
}

EMPLOYMENT = {
    "县内务工": M.Employment.LOCAL,
    "乡镇内务工": M.Employment.LOCAL,
    "省内县外务工": M.Employment.PROVINCE,
    "县外省内务工": M.Employment.PROVINCE,
    "省外务工": M.Employment.OUTSIDE,
    "公益性岗位": M.Employment.WELFARE_POST,
    "公益岗": M.Employment.WELFARE_POST,
    "自主创业": M.Employment.SELF_EMPLOYED,
    "个体经营": M.Employment.SELF_EMPLOYED,
    "未就业": M.Employment.NOT_EMPLOYED,
    "未务工": M.Employment.NOT_EMPLOYED,
    "无": M.Employment.NOT_EMPLOYED,
}
