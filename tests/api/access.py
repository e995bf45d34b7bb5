"""API URLs for the access matrix (tests/test_access_matrix.py walks them with the portal's session).

The keywords household_pk, member_pk, alert_pk, case_pk, roster_pk and task_pk are the other apps'
(Yangkou's objects); tokens of other units are walked over the same URLs in tests/api/test_tokens.py.
"""

FOREIGN_KWARGS = {
    # A month of Yangkou's ledger: the household decides, the month is any.
    "month": lambda cast: "2026-01",
}

LIST_URLS = {
    "api:household_list",
    "api:alert_list",
    "api:case_list",
    "api:roster_list",
}

EXEMPT_URLS = {
    "api:schema": "the OpenAPI description of the endpoints: no household data",
    "api:docs": "the Swagger page of the schema: no household data",
}
