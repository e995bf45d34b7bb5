EXEMPT_URLS = {
    "accounts:login": "the login page shows no data",
    "accounts:logout": "ends the session",
    "accounts:password_change": "the user's own password",
    "accounts:password_change_done": "a confirmation",
}
