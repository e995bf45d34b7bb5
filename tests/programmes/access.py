"""Programme URLs in the access matrix: Yangkou's workshops, projects, loans, products, sales, linkages, trainings."""

from tests.place_writes import PlaceWrite, form_data
from tests.programmes.factories import yangkou_rows

FOREIGN_KWARGS = {
    "workshop_pk": lambda cast: yangkou_rows(cast)["workshop"].pk,
    "worker_pk": lambda cast: yangkou_rows(cast)["worker"].pk,
    "relief_pk": lambda cast: yangkou_rows(cast)["relief"].pk,
    "channel_pk": lambda cast: yangkou_rows(cast)["channel"].pk,
    "relief_worker_pk": lambda cast: yangkou_rows(cast)["relief_worker"].pk,
    "loan_pk": lambda cast: yangkou_rows(cast)["loan"].pk,
    "product_pk": lambda cast: yangkou_rows(cast)["product"].pk,
    "sales_pk": lambda cast: yangkou_rows(cast)["sales"].pk,
    "benefit_pk": lambda cast: yangkou_rows(cast)["benefit"].pk,
    "project_pk": lambda cast: yangkou_rows(cast)["project"].pk,
    "training_pk": lambda cast: yangkou_rows(cast)["training"].pk,
}
_LEDGERS = ["workshop", "relief", "loan", "product", "sales", "benefit", "project", "training"]
LIST_URLS = {
    "programmes:index",
    "programmes:coverage",
    "programmes:workshop_preferential",
    "programmes:benefit_summary",
    "programmes:channel_list",
    "programmes:channel_create",
    "programmes:training_import",
    "programmes:training_import_confirm",
    "programmes:training_import_template",
    # Workbooks too: the matrix reads their cells.
    "programmes:relief_return",
    *[f"programmes:{name}_{page}" for name in _LEDGERS for page in ("list", "create", "export")],
    *[f"programmes:{name}_{page}" for name in ("allocation", "record") for page in ("list", "export")],
}


def MARKERS(cast):
    rows = yangkou_rows(cast)
    return [
        rows["workshop"].name,
        rows["relief"].name,
        rows["loan"].bank,
        rows["product"].name,
        rows["sales"].buyer,
        rows["benefit"].counterparty,
        rows["project"].name,
        rows["allocation"].document_no,
        rows["training"].course,
        rows["channel"].name,
        cast.alice_member.id_number,
    ]


def _ledger_data(cast, ledger, **overrides):
    from programmes import forms

    form_class = {
        "workshop": forms.WorkshopForm,
        "relief": forms.ReliefProjectForm,
        "product": forms.ProductForm,
        "project": forms.LibraryProjectForm,
    }[ledger]
    return form_data(form_class(instance=yangkou_rows(cast)[ledger], user=cast.admin), **overrides)


def _rows(ledger, **lookup):
    return _model(ledger).objects.filter(**lookup)


def _model(name):
    from programmes.models import LibraryProject, Product, ReliefProject, Workshop

    return {"workshop": Workshop, "relief": ReliefProject, "product": Product, "project": LibraryProject}[name]


def _create(name, user, label, **place):
    marker = f"离开{name}{user}"

    def data(cast):
        resolved = {k: (getattr(cast, v).pk if isinstance(v, str) and v else v) for k, v in place.items()}
        return _ledger_data(cast, name, name=marker, **resolved)

    return PlaceWrite(
        label, f"programmes:{name}_create", user, data=data, left=lambda cast: _rows(name, name=marker).exists()
    )


def _clear_site(name):
    return PlaceWrite(
        f"site staff clear the site of their {name}",
        f"programmes:{name}_edit",
        "carol",
        kwargs=lambda cast: {f"{name}_pk": yangkou_rows(cast)[name].pk},
        data=lambda cast: _ledger_data(cast, name, settlement=None),
        left=lambda cast: _rows(name, pk=yangkou_rows(cast)[name].pk, settlement__isnull=True).exists(),
    )


PLACE_WRITES = [
    *[
        _create(n, "carol", f"site staff record a {n} in their township with no site", settlement=None)
        for n in ("relief", "project")
    ],
    *[
        _create(n, "alice", f"township staff record a {n} in another township", township="hengshan", settlement=None)
        for n in ("relief", "project")
    ],
    *[
        _create(n, "bob", f"township staff record a {n} in a site of another township", settlement="yangkou_site")
        for n in ("workshop", "product")
    ],
    *[_clear_site(n) for n in ("relief", "project")],
]
