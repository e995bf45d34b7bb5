from accounts.models import User

R = User.Role

# Heads read the dashboards of their scope (district-wide or one township); township and settlement
# staff get the same pages narrowed to their own places. Bureau staff see households only through
# their department's measures, which a map of townships and sites would misrepresent, so they have
# their department's task pages instead.
ROLE_PERMISSIONS = {
    R.HEAD: ["dashboards.view_dashboard", "dashboards.export_dashboard"],
    R.TOWNSHIP_STAFF: ["dashboards.view_dashboard", "dashboards.export_dashboard"],
    R.SETTLEMENT_STAFF: ["dashboards.view_dashboard", "dashboards.export_dashboard"],
    R.ADMIN: ["dashboards.view_dashboard", "dashboards.export_dashboard"],
}
