from django.urls import path

from . import exports, views

app_name = "exchange"

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:record_pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:record_pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:record_pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:record_pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("imports/<int:record_pk>/columns/", views.import_map_columns, name="import_map_columns"),
    path("imports/<int:record_pk>/rerun/", views.import_rerun, name="import_rerun"),
    path("imports/<int:record_pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("reconcile/", views.reconcile_list, name="reconcile_list"),
    path("reconcile/<int:reconciliation_pk>/", views.reconcile_detail, name="reconcile_detail"),
    path("reconcile/<int:reconciliation_pk>/result.xlsx", views.reconcile_export, name="reconcile_export"),
    path("templates/<slug:kind>.xlsx", views.import_template, name="import_template"),
    path("export/households.xlsx", exports.export_households, name="export_households"),
    path("export/members.xlsx", exports.export_members, name="export_members"),
    path("export/ledgers.xlsx", exports.export_ledgers, name="export_ledgers"),
]
