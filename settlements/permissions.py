from accounts.models import User

R = User.Role

_PLACES_READ = ["settlements.view_settlement", "settlements.view_township", "settlements.view_village"]
_LEDGER_MODELS = [
    "facility", "facilitymaintenance", "safetyhazard", "hazardphoto", "communityactivity", "disputemediation",
    "residentrequest", "projectasset", "assetincome",
]  # fmt: skip
_LEDGER_READ = [f"settlements.view_{m}" for m in _LEDGER_MODELS]
# Ledgers are kept by the people at the site and in the township; rows are corrected, not deleted.
_LEDGER_KEEP = [
    *_LEDGER_READ,
    *[f"settlements.add_{m}" for m in _LEDGER_MODELS],
    *[f"settlements.change_{m}" for m in _LEDGER_MODELS],
    "settlements.answer_residentrequest",
    "settlements.change_settlement",  # the site's organisation (点长, 第一书记, 工作队...)
]

ROLE_PERMISSIONS = {
    R.TOWNSHIP_STAFF: [*_PLACES_READ, *_LEDGER_KEEP],
    R.SETTLEMENT_STAFF: [*_PLACES_READ, *_LEDGER_KEEP],
    # Bureau staff see and answer the residents' requests assigned to their department.
    R.BUREAU_STAFF: [
        "settlements.view_settlement",
        "settlements.view_township",
        "settlements.view_residentrequest",
        "settlements.answer_residentrequest",
    ],
    R.HEAD: [*_PLACES_READ, *_LEDGER_READ],
    R.ADMIN: [
        *_PLACES_READ,
        *_LEDGER_KEEP,
        *[f"settlements.delete_{m}" for m in _LEDGER_MODELS],
        "settlements.add_settlement",
        "settlements.change_township",
        "settlements.change_village",
        "settlements.add_village",
    ],
}
