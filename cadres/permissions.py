from accounts.models import User

R = User.Role

_VIEW = ["cadres.view_householdcadre"]
_ASSIGN = [*_VIEW, "cadres.add_householdcadre", "cadres.change_householdcadre", "cadres.delete_householdcadre"]

ROLE_PERMISSIONS = {
    # The township assigns each household's 帮扶责任人 (one by one or from Excel); its staff and
    # township heads do it. Site staff see who answers for their households and their own 我的户.
    R.TOWNSHIP_STAFF: _ASSIGN,
    R.SETTLEMENT_STAFF: _VIEW,
    R.HEAD: _ASSIGN,
    R.ADMIN: _ASSIGN,
}
