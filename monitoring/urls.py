from django.urls import path

from . import procedure_views, views, views_income

app_name = "monitoring"

urlpatterns = [
    path("photos/<int:visit_photo_pk>/", views.visit_photo, name="visit_photo"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:alert_pk>/", views.alert_detail, name="alert_detail"),
    path("visits/due/", views.visits_due, name="visits_due"),
    path("visits/overdue/", views.visits_overdue, name="visits_overdue"),
    path("households/<int:household_pk>/visit/", views.visit_create, name="visit_create"),
    path("households/<int:household_pk>/ledger/", views.ledger_create, name="ledger_create"),
    path("households/<int:household_pk>/annual-income/", views_income.annual_income_edit, name="annual_income_edit"),
    path("income/annual/", views_income.annual_income_list, name="annual_income_list"),
    path("income/unknown/", views_income.income_unknown, name="income_unknown"),
    path("households/<int:household_pk>/application/", views.application_create, name="application_create"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:case_pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_pk>/<slug:action>/", views.case_action, name="case_action"),
    path("cases/<int:case_pk>/step/<slug:kind>/", procedure_views.case_step, name="case_step"),
    path("households/<int:household_pk>/assessment/", procedure_views.assessment_create, name="assessment_create"),
    path("evidence/<int:evidence_pk>/", procedure_views.evidence_file, name="evidence_file"),
    path("notices/", procedure_views.notice_list, name="notice_list"),
    path("notices/new/", procedure_views.notice_create, name="notice_create"),
    path("notices/<int:notice_pk>/", procedure_views.notice_detail, name="notice_detail"),
    path("notices/<int:notice_pk>/print/", procedure_views.notice_print, name="notice_print"),
    path("notices/<int:notice_pk>/pdf/", procedure_views.notice_download, name="notice_pdf"),
    path("objections/<int:objection_pk>/resolve/", procedure_views.objection_resolve, name="objection_resolve"),
    path("rosters/", views.roster_list, name="roster_list"),
    path("rosters/upload/", views.roster_upload, name="roster_upload"),
    path("rosters/template/", views.roster_template, name="roster_template"),
    path("rosters/<int:roster_pk>/", views.roster_detail, name="roster_detail"),
    path("thresholds/", views.thresholds_list, name="thresholds_list"),
]
