from accounts.models import User

R = User.Role

_EDIT = [
    "relocation.view_household",
    "relocation.add_household",
    "relocation.change_household",
    "relocation.view_member",
    "relocation.add_member",
    "relocation.change_member",
    "relocation.view_personal_data",
]

ROLE_PERMISSIONS = {
    R.TOWNSHIP_STAFF: _EDIT,
    R.SETTLEMENT_STAFF: _EDIT,
    # Bureau staff and heads read; the full ID number and phone stay masked for them.
    R.BUREAU_STAFF: ["relocation.view_household", "relocation.view_member"],
    R.HEAD: ["relocation.view_household", "relocation.view_member"],
    # The district monitoring office reads the households whose cases it confirms.
    R.DISTRICT_OFFICE: ["relocation.view_household", "relocation.view_member"],
    R.ADMIN: [*_EDIT, "relocation.delete_member"],
}
