"""Every word the ledger, employment and national-export columns accept, one test each: it reads
as its value however it is spaced or written in full-width characters (issue 19: a table of
synonyms per choice field, a test per synonym)."""

import unicodedata

import pytest

from assistance import resources as employment
from exchange import reconcile
from settlements import resources as ledgers

TABLES = {
    "设施类型": ledgers.FACILITY_TYPES,
    "设施状态": ledgers.FACILITY_STATUS,
    "隐患类型": ledgers.HAZARD_TYPES,
    "严重程度": ledgers.SEVERITIES,
    "活动类型": ledgers.ACTIVITY_KINDS,
    "诉求渠道": ledgers.CHANNELS,
    "诉求类别": ledgers.REQUEST_KINDS,
    "办理状态": ledgers.REQUEST_STATUS,
    "满意度": ledgers.SATISFACTION,
    "资产类别": ledgers.ASSET_KINDS,
    "资产状态": ledgers.ASSET_STATUS,
    "就业类型": employment.KINDS,
    "监测对象类别": reconcile._object_types(),
    "风险类型": reconcile._risks(),
}
WORDS = [(name, word, value) for name, table in TABLES.items() for word, value in table.synonyms.items()]


def full_width(text: str) -> str:
    """How a cell typed with a Chinese input method in full-width mode may look."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(("name", "word", "value"), WORDS, ids=[f"{n}:{w}" for n, w, _v in WORDS])
def test_each_word_reads_as_its_value(name, word, value):
    table = TABLES[name]
    assert table.parse(word) == value
    assert table.parse(f" {word} ") == value
    assert table.parse(full_width(word)) == value, unicodedata.normalize("NFKC", full_width(word))


@pytest.mark.parametrize(
    ("cell", "kind"),
    [("脱贫户", "lifted"), ("监测对象", "monitored"), ("边缘易致贫户", "monitored"), (" 监测户 ", "monitored")],
)
def test_the_national_household_kinds(cell, kind):
    assert reconcile.parse_household_kind(cell) == kind


def test_several_risk_types_in_one_cell_in_any_separator():
    assert reconcile.parse_risks("因病、因残") == reconcile.parse_risks("因残,因病") == ("disability", "illness")
    assert reconcile.parse_risks("因学；缺劳动力 / 因灾") == ("disaster", "lack_of_labour", "schooling")
    with pytest.raises(Exception, match="因穷"):
        reconcile.parse_risks("因病、因穷")


@pytest.mark.parametrize(("cell", "value"), [("是", True), ("否", False), ("已消除", True), ("未消除", False)])
def test_risk_eliminated_words(cell, value):
    assert reconcile.parse_eliminated(cell) is value
