"""Building workbooks the way township staff make them, for the import tests."""

from pathlib import Path

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_id_number

HOUSEHOLD_HEADER = [
    "户编号",
    "户主姓名",
    "户类型",
    "乡镇",
    "安置点",
    "安置方式",
    "安置房类型",
    "联系电话",
    "搬迁年度",
    "住房面积",
    "办证日期",
    "是否办证",
]
MEMBER_HEADER = [
    "户编号",
    "姓名",
    "身份证号码",
    "与户主关系",
    "劳动能力",
    "就业意愿",
    "健康状况",
    "就业情况",
    "联系电话",
]
LEDGER_HEADER = ["户编号", "月份", "家庭人口", "工资性收入", "生产经营性收入", "转移性收入", "医疗支出", "社区融入"]


def household_row(code, *, township="洋口镇", site="洋口安置小区", head="张三", phone="13912345678", year=2019):
    return [code, head, "搬迁脱贫户", township, site, "集中安置", "套房", phone, year, 75.5, "2020-06-01", "是"]


_births = iter(f"19{y:02d}{m:02d}{d:02d}" for y in range(40, 99) for m in range(1, 13) for d in range(1, 29))


def fresh_id_number() -> str:
    """A valid ID number none of the tests has used: a new birth date each time (the factory's run out)."""
    return make_id_number(birth=next(_births))


def member_row(code, id_number=None, *, name="张三", relation="户主"):
    return [code, name, id_number or fresh_id_number(), relation, "普通劳动力", "是", "健康", "县内务工", "13800000001"]


def build(path: Path, sheets: dict, *, title: str | None = None, number_formats: dict | None = None) -> Path:
    """A workbook with one sheet per entry: {sheet name: [header, row, row...]}; ``title`` adds a merged title row."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        if title:
            sheet.append([title])
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/octet-stream")
