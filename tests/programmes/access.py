"""Programme URLs in the access matrix: Yangkou's workshops, projects, loans, products, sales, linkages, trainings."""

from tests.programmes.factories import yangkou_rows

FOREIGN_KWARGS = {
    "workshop_pk": lambda cast: yangkou_rows(cast)["workshop"].pk,
    "worker_pk": lambda cast: yangkou_rows(cast)["worker"].pk,
    "relief_pk": lambda cast: yangkou_rows(cast)["relief"].pk,
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
        cast.alice_member.id_number,
    ]
