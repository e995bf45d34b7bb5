def _alice_import(cast):
    from exchange.models import ImportRecord

    record, _created = ImportRecord.objects.get_or_create(
        user=cast.alice,
        file_name="洋口户主周一.xlsx",
        defaults={"kind": "households", "status": "previewed", "rows_total": 1, "errors": [
            {"sheet": "花名册", "row": 3, "column": "户主姓名", "message": "洋口户主周一"}]},
    )  # fmt: skip
    return record.pk


def _alice_reconciliation(cast):
    from exchange.models import Reconciliation

    found, _created = Reconciliation.objects.get_or_create(
        user=cast.alice,
        file_name="洋口国家系统导出.xlsx",
        defaults={"only_portal": 1, "result": {"townships": [{"township": "洋口镇", "same": 0, "only_national": [],
            "different": [], "only_portal": [{"code": cast.alice_household.code, "head_name": "洋口户主周一",
            "id_number": cast.alice_member.id_number, "persons": 1}]}], "outside": 0, "errors": [], "error_count": 0}},
    )  # fmt: skip
    return found.pk


FOREIGN_KWARGS = {"record_pk": _alice_import, "reconciliation_pk": _alice_reconciliation}
# The exports are workbooks: the matrix reads their cells for Yangkou's rows.
LIST_URLS = {
    "exchange:import_list",
    "exchange:export_households",
    "exchange:export_members",
    "exchange:export_ledgers",
    "exchange:reconcile_list",
}
EXEMPT_URLS = {"exchange:import_template": "an empty template workbook, the same for everyone"}
MARKERS = lambda cast: ["洋口户主周一.xlsx", "洋口国家系统导出.xlsx"]  # noqa: E731
