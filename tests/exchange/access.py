def _alice_import(cast):
    from exchange.models import ImportRecord

    record, _created = ImportRecord.objects.get_or_create(
        user=cast.alice,
        file_name="洋口户主周一.xlsx",
        defaults={"kind": "households", "status": "previewed", "rows_total": 1, "errors": [
            {"sheet": "花名册", "row": 3, "column": "户主姓名", "message": "洋口户主周一"}]},
    )  # fmt: skip
    return record.pk


FOREIGN_KWARGS = {"record_pk": _alice_import}
# The exports are workbooks: the matrix reads their cells for Yangkou's rows.
LIST_URLS = {"exchange:import_list", "exchange:export_households", "exchange:export_members", "exchange:export_ledgers"}
EXEMPT_URLS = {"exchange:import_template": "an empty template workbook, the same for everyone"}
MARKERS = lambda cast: ["洋口户主周一.xlsx"]  # noqa: E731
