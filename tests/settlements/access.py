FOREIGN_KWARGS = {"settlement_pk": lambda cast: cast.yangkou_site.pk}
LIST_URLS = {"settlements:settlement_list"}


def MARKERS(cast):
    return [cast.yangkou_site.name]
