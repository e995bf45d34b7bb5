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
    "monitoring.view_casestep",
    "monitoring.view_publicnotice",
    "monitoring.view_assessment",
]
_FIELD = [
    *_READ,
    "monitoring.add_ledgerentry",
    "monitoring.change_ledgerentry",
    "monitoring.add_visit",
    "monitoring.add_application",
    "monitoring.add_annualincome",
    "monitoring.change_annualincome",
    "monitoring.add_assessment",
]
# The township runs the procedure (monitoring/procedure.py): opens cases from alerts, records the
# household check, cross-check and village review, posts notices and records objections, reviews, and
# proposes eliminations. Separation of duties is checked per case, not by role.
_TOWNSHIP_PROCEDURE = [
    "monitoring.change_alert",
    "monitoring.add_monitoringcase",
    "monitoring.add_casestep",
    "monitoring.add_publicnotice",
    "monitoring.change_publicnotice",
    "monitoring.review_monitoringcase",
    "monitoring.eliminate_monitoringcase",
]

ROLE_PERMISSIONS = {
    R.TOWNSHIP_STAFF: [*_FIELD, *_TOWNSHIP_PROCEDURE],
    # Site staff take part in household checks and village (community) reviews of their site's households.
    R.SETTLEMENT_STAFF: [*_FIELD, "monitoring.add_casestep"],
    # Bureaus upload rosters and follow what became of each row; they see households only through measures.
    R.BUREAU_STAFF: ["monitoring.add_departmentroster", "monitoring.view_departmentroster"],
    R.HEAD: [*_READ, "monitoring.view_departmentroster"],
    # 区级审定: the district monitoring office confirms identifications and eliminations.
    R.DISTRICT_OFFICE: [*_READ, "monitoring.approve_monitoringcase"],
    R.ADMIN: [
        *_FIELD,
        *_TOWNSHIP_PROCEDURE,
        "monitoring.approve_monitoringcase",
        "monitoring.add_departmentroster",
        "monitoring.view_departmentroster",
        "monitoring.add_thresholds",
        "monitoring.change_thresholds",
        "monitoring.view_screeningrun",
    ],
}
