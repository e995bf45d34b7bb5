from .ledgers import (
    asset_income_edit,
    asset_income_export,
    hazard_photo,
    hazard_photo_add,
    hazard_rectify,
    ledger_create,
    ledger_detail,
    ledger_edit,
    ledger_export,
    ledger_index,
    ledger_list,
    ledger_print,
    maintenance_create,
    organisation_edit,
    request_answer,
    request_close,
    request_phone,
)
from .sites import settlement_detail, settlement_list

__all__ = [
    "asset_income_edit", "asset_income_export", "hazard_photo", "hazard_photo_add", "hazard_rectify", "ledger_create",
    "ledger_detail", "ledger_edit", "ledger_export", "ledger_index", "ledger_list", "ledger_print",
    "maintenance_create", "organisation_edit", "request_answer", "request_close", "request_phone",
    "settlement_detail",
    "settlement_list",
]  # fmt: skip
