from accounts.models import User

R = User.Role

# Importing also needs the add/change permission of what a workbook writes (households, members,
# ledgers); these only open the import pages and the record of past imports.
_IMPORT = ["exchange.view_importrecord", "exchange.add_importrecord"]

ROLE_PERMISSIONS = {
    R.TOWNSHIP_STAFF: _IMPORT,
    R.SETTLEMENT_STAFF: _IMPORT,
    R.HEAD: ["exchange.view_importrecord"],
    R.ADMIN: _IMPORT,
}
