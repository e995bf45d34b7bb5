"""Every word of relocation.vocabulary, as township staff and the national system write it, read
through the import's own column parsers: one test per word, with the value it must give."""

import pytest

from exchange.cells import CellError
from relocation import resources, vocabulary
from relocation.models import Household, Member

HT, PL, RS, RK = Household.Type, Household.Placement, Household.Resettlement, Household.ResettlementKind
R, L, H, S, E = Member.Relation, Member.Labour, Member.Health, Member.Schooling, Member.Employment

EXPECTED = {
    "HOUSEHOLD_TYPE": {
        "建档立卡搬迁户": HT.LIFTED, "建档立卡(搬迁)户": HT.LIFTED, "建档立卡贫困户": HT.LIFTED,
        "建档立卡户": HT.LIFTED, "搬迁脱贫户": HT.LIFTED, "脱贫户": HT.LIFTED, "易地搬迁脱贫户": HT.LIFTED,
        "随迁户": HT.ALONGSIDE, "同步搬迁户": HT.ALONGSIDE, "同步搬迁": HT.ALONGSIDE,
        "非建档立卡搬迁户": HT.ALONGSIDE, "非建档立卡同步搬迁户": HT.ALONGSIDE,
    },
    "RESETTLEMENT": {
        "集中": RS.CENTRALISED, "集中安置": RS.CENTRALISED, "分散": RS.DISPERSED, "分散安置": RS.DISPERSED,
        "行政村内就近集中安置": RK.NEAR_VILLAGE, "就近集中安置": RK.NEAR_VILLAGE,
        "建设移民新村集中安置": RK.NEW_VILLAGE, "移民新村集中安置": RK.NEW_VILLAGE,
        "依托小城镇或工业园区安置": RK.TOWN_OR_PARK, "依托小城镇安置": RK.TOWN_OR_PARK,
        "依托工业园区安置": RK.TOWN_OR_PARK, "依托乡村旅游区安置": RK.TOURISM,
        "其他集中安置": RK.OTHER_CENTRALISED, "插花安置": RK.SCATTERED, "进城购房安置": RK.HOME_IN_TOWN,
        "进城购房": RK.HOME_IN_TOWN, "投亲靠友": RK.RELATIVES, "投亲靠友安置": RK.RELATIVES,
        "其他分散安置": RK.OTHER_DISPERSED,
    },
    "HOUSING_TYPE": {
        "一户一宅": PL.HOMESTEAD, "自建房": PL.HOMESTEAD, "统规自建": PL.HOMESTEAD, "独栋": PL.HOMESTEAD,
        "套房": PL.APARTMENT, "集中安置套房": PL.APARTMENT, "单元房": PL.APARTMENT, "楼房": PL.APARTMENT,
        "统规统建": PL.APARTMENT,
    },
    "RELATION": {
        "户主": R.HEAD, "本人": R.HEAD, "配偶": R.SPOUSE, "之配偶": R.SPOUSE, "妻": R.SPOUSE, "妻子": R.SPOUSE,
        "夫": R.SPOUSE, "丈夫": R.SPOUSE, "之子": R.SON, "儿子": R.SON, "子": R.SON, "长子": R.SON, "次子": R.SON,
        "之女": R.DAUGHTER, "女儿": R.DAUGHTER, "女": R.DAUGHTER, "长女": R.DAUGHTER, "次女": R.DAUGHTER,
        "父亲": R.PARENT, "母亲": R.PARENT, "父母": R.PARENT, "之父": R.PARENT, "之母": R.PARENT,
        "之公公": R.PARENT, "之婆婆": R.PARENT, "之岳父": R.PARENT, "之岳母": R.PARENT, "孙子": R.GRANDCHILD,
        "孙女": R.GRANDCHILD, "之孙": R.GRANDCHILD, "之孙子": R.GRANDCHILD, "之孙女": R.GRANDCHILD,
        "之外孙子女": R.GRANDCHILD, "兄弟姐妹": R.SIBLING, "之兄弟姐妹": R.SIBLING, "儿媳": R.CHILD_IN_LAW,
        "之儿媳": R.CHILD_IN_LAW, "女婿": R.CHILD_IN_LAW, "之女婿": R.CHILD_IN_LAW, "其他": R.OTHER,
        "其他亲属": R.OTHER,
    },
    "LABOUR": {
        "无劳动力": L.NONE, "丧失劳动力": L.NONE, "无劳动能力": L.NONE, "弱劳动力": L.WEAK, "半劳动力": L.WEAK,
        "弱劳动力或半劳动力": L.WEAK, "普通劳动力": L.ORDINARY, "劳动力": L.ORDINARY, "技能劳动力": L.SKILLED,
    },
    "HEALTH": {
        "健康": H.HEALTHY, "长期慢性病": H.CHRONIC, "慢性病": H.CHRONIC, "大病": H.SERIOUS, "患有大病": H.SERIOUS,
        "重病": H.SERIOUS, "残疾": H.DISABLED, "残疾人": H.DISABLED,
    },
    "SCHOOLING": {
        "文盲或半文盲": S.NONE, "文盲": S.NONE, "半文盲": S.NONE, "学前": S.PRESCHOOL, "学前教育": S.PRESCHOOL,
        "学龄前儿童": S.PRESCHOOL, "小学": S.PRIMARY, "初中": S.JUNIOR, "高中": S.SENIOR, "中专": S.VOCATIONAL,
        "中职": S.VOCATIONAL, "中等职业教育": S.VOCATIONAL, "技工院校": S.VOCATIONAL, "大专及以上": S.COLLEGE,
        "大专": S.COLLEGE, "本科": S.COLLEGE, "本科及以上": S.COLLEGE,
    },
    "EMPLOYMENT": {
        "县内务工": E.LOCAL, "乡镇内务工": E.LOCAL, "省内县外务工": E.PROVINCE, "县外省内务工": E.PROVINCE,
        "省外务工": E.OUTSIDE, "公益性岗位": E.WELFARE_POST, "公益岗": E.WELFARE_POST, "自主创业": E.SELF_EMPLOYED,
        "个体经营": E.SELF_EMPLOYED, "未就业": E.NOT_EMPLOYED, "未务工": E.NOT_EMPLOYED, "无": E.NOT_EMPLOYED,
    },
}  # fmt: skip

PARSERS = {
    "HOUSEHOLD_TYPE": resources.HOUSEHOLD_TYPES.parse,
    "RESETTLEMENT": resources.parse_resettlement,
    "HOUSING_TYPE": resources.parse_placement,
    "RELATION": resources.RELATIONS.parse,
    "LABOUR": resources.LABOUR.parse,
    "HEALTH": resources.HEALTH.parse,
    "SCHOOLING": resources.SCHOOLING.parse,
    "EMPLOYMENT": resources.EMPLOYMENT.parse,
}


@pytest.mark.parametrize("table", sorted(EXPECTED))
def test_every_word_of_the_table_has_its_test_and_no_test_lacks_its_word(table):
    assert getattr(vocabulary, table) == EXPECTED[table]


@pytest.mark.parametrize(
    ("table", "word", "value"), [(t, w, v) for t, words in EXPECTED.items() for w, v in words.items()]
)
def test_word_is_read_as_its_value(table, word, value):
    assert PARSERS[table](word) == value
    # As typed in a real roster: padded, with full-width brackets.
    padded = f" {word.replace('(', '（').replace(')', '）')} "
    assert PARSERS[table](padded) == value


def test_national_system_spelling_with_full_width_brackets():
    assert resources.HOUSEHOLD_TYPES.parse("建档立卡（搬迁）户") == HT.LIFTED


def test_a_housing_type_under_resettlement_form_says_which_column_it_belongs_to():
    with pytest.raises(CellError, match="安置房类型"):
        resources.parse_resettlement("套房")
    with pytest.raises(CellError, match="安置方式"):
        resources.parse_placement("集中安置")
    with pytest.raises(CellError, match="集中安置"):
        resources.parse_resettlement("随便写")
