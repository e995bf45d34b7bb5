from accounts.models import User

R = User.Role

# Importing also needs the add/change permission of what a workbook writes (households, members,
# ledgers); these only open the import pages and the record of past imports.
_IMPORT = ["exchange.view_importrecord", "exchange.add_importrecord"]
# 账账相符 with the national system writes nothing; it shows the user's own households side by side.
_RECONCILE = ["exchange.view_reconciliation", "exchange.add_reconciliation"]

ROLE_PERMISSIONS = {
    R.TOWNSHIP_STAFF: [*_IMPORT, *_RECONCILE],
    R.SETTLEMENT_STAFF: [*_IMPORT, *_RECONCILE],
    R.HEAD: ["exchange.view_importrecord", "exchange.view_reconciliation"],
    R.ADMIN: [*_IMPORT, *_RECONCILE],
}
