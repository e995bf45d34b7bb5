from accounts.models import User

R = User.Role

ROLE_PERMISSIONS = {
    R.TOWNSHIP_STAFF: ["settlements.view_settlement", "settlements.view_township", "settlements.view_village"],
    R.SETTLEMENT_STAFF: ["settlements.view_settlement", "settlements.view_township", "settlements.view_village"],
    R.BUREAU_STAFF: ["settlements.view_settlement", "settlements.view_township"],
    R.HEAD: ["settlements.view_settlement", "settlements.view_township", "settlements.view_village"],
    R.ADMIN: [
        "settlements.view_settlement",
        "settlements.change_settlement",
        "settlements.add_settlement",
        "settlements.view_township",
        "settlements.change_township",
        "settlements.view_village",
        "settlements.change_village",
        "settlements.add_village",
    ],
}
