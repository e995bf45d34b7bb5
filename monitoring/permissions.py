from accounts.models import User

R = User.Role

_READ = [
    "monitoring.view_ledgerentry",
    "monitoring.view_visit",
    "monitoring.view_alert",
    "monitoring.view_monitoringcase",
    "monitoring.view_application",
    "monitoring.view_thresholds",
    "monitoring.view_annualincome",
]
_FIELD = [
    *_READ,
    "monitoring.add_ledgerentry",
    "monitoring.change_ledgerentry",
    "monitoring.add_visit",
    "monitoring.add_application",
    "monitoring.add_annualincome",
    "monitoring.change_annualincome",
]

ROLE_PERMISSIONS = {
    # Township cadres verify alerts, identify monitoring objects, review them and eliminate risks.
    R.TOWNSHIP_STAFF: [
        *_FIELD,
        "monitoring.change_alert",
        "monitoring.add_monitoringcase",
        "monitoring.review_monitoringcase",
        "monitoring.eliminate_monitoringcase",
    ],
    R.SETTLEMENT_STAFF: _FIELD,
    # Bureaus upload rosters and follow what became of each row; they see households only through measures.
    R.BUREAU_STAFF: ["monitoring.add_departmentroster", "monitoring.view_departmentroster"],
    R.HEAD: [*_READ, "monitoring.approve_monitoringcase", "monitoring.view_departmentroster"],
    R.ADMIN: [
        *_FIELD,
        "monitoring.change_alert",
        "monitoring.add_monitoringcase",
        "monitoring.review_monitoringcase",
        "monitoring.approve_monitoringcase",
        "monitoring.eliminate_monitoringcase",
        "monitoring.add_departmentroster",
        "monitoring.view_departmentroster",
        "monitoring.add_thresholds",
        "monitoring.change_thresholds",
        "monitoring.view_screeningrun",
    ],
}
