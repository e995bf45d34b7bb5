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
LIST_URLS = {"exchange:import_list"}
# The exports are streamed, zipped workbooks: the matrix cannot read their body. Their rows are
# checked for foreign townships by tests/exchange/test_exports.py, which opens each workbook.
_WORKBOOK = "streamed .xlsx; scope checked by tests/exchange/test_exports.py"
EXEMPT_URLS = {
    "exchange:import_template": "an empty template workbook, the same for everyone",
    "exchange:export_households": _WORKBOOK,
    "exchange:export_members": _WORKBOOK,
    "exchange:export_ledgers": _WORKBOOK,
}
MARKERS = lambda cast: ["洋口户主周一.xlsx"]  # noqa: E731
