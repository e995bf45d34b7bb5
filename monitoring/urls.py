from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:alert_pk>/", views.alert_detail, name="alert_detail"),
    path("visits/due/", views.visits_due, name="visits_due"),
    path("households/<int:household_pk>/visit/", views.visit_create, name="visit_create"),
    path("households/<int:household_pk>/ledger/", views.ledger_create, name="ledger_create"),
    path("households/<int:household_pk>/application/", views.application_create, name="application_create"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:case_pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_pk>/<slug:action>/", views.case_action, name="case_action"),
    path("rosters/", views.roster_list, name="roster_list"),
    path("rosters/upload/", views.roster_upload, name="roster_upload"),
    path("rosters/<int:roster_pk>/", views.roster_detail, name="roster_detail"),
    path("thresholds/", views.thresholds_list, name="thresholds_list"),
]
