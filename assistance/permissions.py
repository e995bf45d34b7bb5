from accounts.models import User

R = User.Role

_READ = [
    "assistance.view_assistanceplan",
    "assistance.view_measure",
    "assistance.view_employmentrecord",
    "assistance.view_trainingrecord",
    "assistance.view_welfarepost",
    "assistance.view_policytask",
    "assistance.view_housingextension",
]
_FIELD = [
    *_READ,
    "assistance.add_assistanceplan",
    "assistance.change_assistanceplan",
    "assistance.add_measure",
    "assistance.change_measure",
    "assistance.add_employmentrecord",
    "assistance.change_employmentrecord",
    "assistance.add_trainingrecord",
    "assistance.add_welfarepost",
    "assistance.change_welfarepost",
    "assistance.add_housingextension",
    "assistance.review_housingextension",
]

ROLE_PERMISSIONS = {
    # Township cadres draw up plans, record employment, take housing-extension applications,
    # record the village group's review and the township's approval, and file their township's
    # progress reports on the policy tasks (有关乡镇).
    R.TOWNSHIP_STAFF: [
        *_FIELD,
        "assistance.approve_housingextension",
        "assistance.view_progressreport",
        "assistance.add_progressreport",
    ],
    R.SETTLEMENT_STAFF: _FIELD,
    # Bureau staff see their department's measures (and only those households), report on them,
    # and file progress reports on their policy tasks.
    R.BUREAU_STAFF: [
        "assistance.view_measure",
        "assistance.report_measure",
        "assistance.view_policytask",
        "assistance.view_progressreport",
        "assistance.add_progressreport",
    ],
    # District heads review the reports; a township head files their township's (the scope decides).
    R.HEAD: [
        *_READ,
        "assistance.view_progressreport",
        "assistance.add_progressreport",
        "assistance.review_progressreport",
        "assistance.approve_housingextension",
        # District-wide heads add or remove a township from a task (the view asks for the district scope).
        "assistance.change_taskassignment",
    ],
    R.ADMIN: [
        *_FIELD,
        "assistance.approve_housingextension",
        "assistance.report_measure",
        "assistance.view_progressreport",
        "assistance.add_progressreport",
        "assistance.review_progressreport",
        "assistance.change_measuresuggestion",
        "assistance.add_measuresuggestion",
        "assistance.view_measuresuggestion",
        "assistance.change_policytask",
        "assistance.change_taskassignment",
        "assistance.change_assistancesettings",
    ],
}
