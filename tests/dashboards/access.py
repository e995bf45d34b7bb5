FOREIGN_KWARGS = {
    "township_pk": lambda cast: cast.yangkou.pk,
    "settlement_pk": lambda cast: cast.yangkou_site.pk,
}
LIST_URLS = {"dashboards:overview", "dashboards:overview_export", "dashboards:home"}


def MARKERS(cast):
    # A dashboard names places, not households: another township's name must not appear either.
    return [cast.yangkou.name]
