from tests.settlements.factories import yangkou_rows

FOREIGN_KWARGS = {
    "settlement_pk": lambda cast: cast.yangkou_site.pk,
    "facility_pk": lambda cast: yangkou_rows(cast)["facility"].pk,
    "hazard_pk": lambda cast: yangkou_rows(cast)["hazard"].pk,
    "photo_pk": lambda cast: yangkou_rows(cast)["photo"].pk,
    "activity_pk": lambda cast: yangkou_rows(cast)["activity"].pk,
    "dispute_pk": lambda cast: yangkou_rows(cast)["dispute"].pk,
    "request_pk": lambda cast: yangkou_rows(cast)["request"].pk,
    "asset_pk": lambda cast: yangkou_rows(cast)["asset"].pk,
}
_LEDGERS = ["facility", "hazard", "activity", "dispute", "request", "asset"]
LIST_URLS = {
    "settlements:settlement_list",
    "settlements:ledger_index",
    "settlements:maintenance_list",
    "settlements:maintenance_print",
    *[f"settlements:{name}_{page}" for name in _LEDGERS for page in ("list", "print", "create", "export")],
    # Workbooks too: the matrix reads their cells.
    "settlements:maintenance_export",
    "settlements:asset_income_export",
}


def MARKERS(cast):
    rows = yangkou_rows(cast)
    return [
        cast.yangkou_site.name,
        rows["facility"].name,
        rows["hazard"].description,
        rows["activity"].title,
        rows["dispute"].parties,
        rows["request"].content,
        rows["asset"].name,
    ]
