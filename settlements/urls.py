from django.urls import path

from . import views

app_name = "settlements"

# (URL prefix, ledger slug, detail name prefix, row keyword). The list, export, print, form and detail
# pages of every ledger come from the same views; see settlements/ledgers.py.
LEDGER_ROUTES = [
    ("facilities", "facilities", "facility", "facility_pk"),
    ("hazards", "hazards", "hazard", "hazard_pk"),
    ("activities", "activities", "activity", "activity_pk"),
    ("disputes", "disputes", "dispute", "dispute_pk"),
    ("requests", "requests", "request", "request_pk"),
    ("assets", "assets", "asset", "asset_pk"),
]

urlpatterns = [
    path("", views.settlement_list, name="settlement_list"),
    path("<int:settlement_pk>/", views.settlement_detail, name="settlement_detail"),
    path("<int:settlement_pk>/organisation/", views.organisation_edit, name="organisation_edit"),
    path("ledgers/", views.ledger_index, name="ledger_index"),
    path("maintenance/", views.ledger_list, {"ledger": "maintenance"}, name="maintenance_list"),
    path("maintenance/export/", views.ledger_export, {"ledger": "maintenance"}, name="maintenance_export"),
    path("maintenance/print/", views.ledger_print, {"ledger": "maintenance"}, name="maintenance_print"),
    path("facilities/<int:facility_pk>/maintenance/", views.maintenance_create, name="maintenance_create"),
    path("hazards/<int:hazard_pk>/rectify/", views.hazard_rectify, name="hazard_rectify"),
    path("hazards/<int:hazard_pk>/photos/", views.hazard_photo_add, name="hazard_photo_add"),
    path("hazards/<int:hazard_pk>/photos/<int:photo_pk>/", views.hazard_photo, name="hazard_photo"),
    path("requests/<int:request_pk>/phone/", views.request_phone, name="request_phone"),
    path("requests/<int:request_pk>/answer/", views.request_answer, name="request_answer"),
    path("requests/<int:request_pk>/close/", views.request_close, name="request_close"),
    path("assets/<int:asset_pk>/income/", views.asset_income_edit, name="asset_income_edit"),
    path("assets/income/export/", views.asset_income_export, name="asset_income_export"),
]

for prefix, slug, name, key in LEDGER_ROUTES:
    urlpatterns += [
        path(f"{prefix}/", views.ledger_list, {"ledger": slug}, name=f"{name}_list"),
        path(f"{prefix}/export/", views.ledger_export, {"ledger": slug}, name=f"{name}_export"),
        path(f"{prefix}/print/", views.ledger_print, {"ledger": slug}, name=f"{name}_print"),
        path(f"{prefix}/new/", views.ledger_create, {"ledger": slug}, name=f"{name}_create"),
        path(f"{prefix}/<int:{key}>/", views.ledger_detail, {"ledger": slug}, name=f"{name}_detail"),
        path(f"{prefix}/<int:{key}>/edit/", views.ledger_edit, {"ledger": slug}, name=f"{name}_edit"),
    ]
