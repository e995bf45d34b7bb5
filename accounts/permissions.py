from accounts.models import User

R = User.Role

ROLE_PERMISSIONS = {
    R.ADMIN: [
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.view_department",
        "accounts.change_department",
    ],
}
