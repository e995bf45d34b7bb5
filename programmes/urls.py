from django.urls import path

from . import views

app_name = "programmes"

# (URL prefix, ledger slug, name prefix, row keyword, pages). The list, export, form and row pages of
# every ledger come from the same views; see programmes/ledgers.py.
_ALL = ("create", "detail", "edit")
LEDGER_ROUTES = [
    ("workshops", "workshops", "workshop", "workshop_pk", _ALL),
    ("relief", "relief", "relief", "relief_pk", _ALL),
    ("loans", "loans", "loan", "loan_pk", _ALL),
    ("products", "products", "product", "product_pk", _ALL),
    ("sales", "sales", "sales", "sales_pk", (*_ALL, "delete")),
    ("benefits", "benefits", "benefit", "benefit_pk", (*_ALL, "delete")),
    ("library", "library", "project", "project_pk", _ALL),
    ("funds", "funds", "allocation", "allocation_pk", ()),
    ("trainings", "trainings", "training", "training_pk", (*_ALL, "delete")),
    ("employment", "employment", "record", "record_pk", ()),
]

urlpatterns = [
    path("", views.ledger_index, name="index"),
    path("coverage/", views.policy_coverage, name="coverage"),
    path("workshops/<int:workshop_pk>/workers/", views.workshop_worker_add, name="workshop_worker_add"),
    path(
        "workshops/<int:workshop_pk>/workers/<int:worker_pk>/leave/",
        views.workshop_worker_leave,
        name="workshop_worker_leave",
    ),
    path(
        "workshops/<int:workshop_pk>/workers/<int:worker_pk>/edit/",
        views.workshop_worker_edit,
        name="workshop_worker_edit",
    ),
    path(
        "workshops/<int:workshop_pk>/workers/<int:worker_pk>/remove/",
        views.workshop_worker_remove,
        name="workshop_worker_remove",
    ),
    path("workshops/preferential/", views.workshop_preferential, name="workshop_preferential"),
    path("relief/<int:relief_pk>/workers/", views.relief_worker_add, name="relief_worker_add"),
    path(
        "relief/<int:relief_pk>/workers/<int:relief_worker_pk>/edit/",
        views.relief_worker_edit,
        name="relief_worker_edit",
    ),
    path(
        "relief/<int:relief_pk>/workers/<int:relief_worker_pk>/remove/",
        views.relief_worker_remove,
        name="relief_worker_remove",
    ),
    path("relief/return/", views.relief_return, name="relief_return"),
    path("loans/<int:loan_pk>/repayments/", views.loan_repay, name="loan_repay"),
    path("loans/<int:loan_pk>/extensions/", views.loan_extend, name="loan_extend"),
    path("library/<int:project_pk>/allocations/", views.project_allocate, name="project_allocate"),
    path("channels/", views.channel_list, name="channel_list"),
    path("channels/new/", views.channel_form, name="channel_create"),
    path("channels/<int:channel_pk>/edit/", views.channel_form, name="channel_edit"),
    path("benefits/summary/", views.benefit_summary, name="benefit_summary"),
    path("trainings/import/", views.training_import, name="training_import"),
    path("trainings/import/confirm/", views.training_import_confirm, name="training_import_confirm"),
    path("trainings/import/template.xlsx", views.training_import_template, name="training_import_template"),
]

for prefix, slug, name, key, pages in LEDGER_ROUTES:
    urlpatterns += [
        path(f"{prefix}/", views.ledger_list, {"ledger": slug}, name=f"{name}_list"),
        path(f"{prefix}/export/", views.ledger_export, {"ledger": slug}, name=f"{name}_export"),
    ]
    if "create" in pages:
        urlpatterns.append(path(f"{prefix}/new/", views.ledger_create, {"ledger": slug}, name=f"{name}_create"))
    if "detail" in pages:
        urlpatterns.append(path(f"{prefix}/<int:{key}>/", views.ledger_detail, {"ledger": slug}, name=f"{name}_detail"))
    if "edit" in pages:
        urlpatterns.append(
            path(f"{prefix}/<int:{key}>/edit/", views.ledger_edit, {"ledger": slug}, name=f"{name}_edit")
        )
    if "delete" in pages:
        urlpatterns.append(
            path(f"{prefix}/<int:{key}>/delete/", views.ledger_delete, {"ledger": slug}, name=f"{name}_delete")
        )
