FOREIGN_KWARGS = {
    "township_pk": lambda cast: cast.yangkou.pk,
    "settlement_pk": lambda cast: cast.yangkou_site.pk,
}
LIST_URLS = {"dashboards:overview", "dashboards:home"}
EXEMPT_URLS = {
    # A streamed workbook the matrix cannot read: test_views.py opens it as Alice's neighbours and
    # checks it holds none of Yangkou's places (test_the_export_holds_no_other_townships_places).
    "dashboards:overview_export": "a streamed workbook: its scope is checked in tests/dashboards/test_views.py",
}


def MARKERS(cast):
    # A dashboard names places, not households: another township's name must not appear either.
    return [cast.yangkou.name]
