EXEMPT_URLS = {
    "accounts:login": "the login page shows no data",
    "accounts:otp_verify": "the second step of the login: a code field, no data",
    "accounts:otp_setup": "the first login of a head or admin: their own authenticator, no household data",
    "accounts:logout": "ends the session",
    "accounts:password_change": "the user's own password",
    "accounts:password_change_done": "a confirmation",
}

LIST_URLS = {"accounts:approvals"}
