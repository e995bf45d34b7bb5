import pytest

from exchange import services
from relocation.models import Household, Member
from tests.exchange.workbooks import HOUSEHOLD_HEADER, MEMBER_HEADER, build, household_row, member_row, upload


@pytest.mark.django_db
def test_smoke(cast, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = build(
        tmp_path / "a.xlsx",
        {
            "花名册": [HOUSEHOLD_HEADER, household_row("GF-NEW-1"), household_row("GF-NEW-2")],
            "成员": [
                MEMBER_HEADER,
                member_row("GF-NEW-1"),
                member_row("GF-NEW-2"),
                member_row(cast.alice_household.code),
            ],
        },
        title="洋口镇易地扶贫搬迁户花名册",
    )
    record = services.import_upload(user=cast.alice, uploaded_file=upload(path), kind="households")
    record = services.import_preview(record=record)
    print(record.status, record.message, record.errors, record.sheets)
    assert record.rows_invalid == 0
    record = services.import_commit(record_id=record.pk, actor=cast.alice)
    assert Household.objects.filter(code__startswith="GF-NEW").count() == 2
    assert Member.objects.count() == 5
    r2 = services.import_preview(
        record=services.import_upload(user=cast.alice, uploaded_file=upload(path), kind="households")
    )
    print(r2.sheets)
    assert r2.rows_unchanged == 5
