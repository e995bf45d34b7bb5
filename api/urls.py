from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

urlpatterns = [
    path("households/", views.HouseholdList.as_view(), name="household_list"),
    path("households/<int:household_pk>/", views.HouseholdDetail.as_view(), name="household_detail"),
    path("households/<int:household_pk>/members/<int:member_pk>/", views.MemberDetail.as_view(), name="member_detail"),
    path(
        "households/<int:household_pk>/members/<int:member_pk>/identity/",
        views.MemberIdentity.as_view(),
        name="member_identity",
    ),
    path("households/<int:household_pk>/visits/", views.VisitCreate.as_view(), name="visit_create"),
    path("households/<int:household_pk>/ledger/<str:month>/", views.LedgerMonth.as_view(), name="ledger_month"),
    path("alerts/", views.AlertList.as_view(), name="alert_list"),
    path("alerts/<int:alert_pk>/", views.AlertDetail.as_view(), name="alert_detail"),
    path("alerts/<int:alert_pk>/dismiss/", views.AlertDismiss.as_view(), name="alert_dismiss"),
    path("alerts/<int:alert_pk>/identify/", views.AlertIdentify.as_view(), name="alert_identify"),
    path("cases/", views.CaseList.as_view(), name="case_list"),
    path("cases/<int:case_pk>/", views.CaseDetail.as_view(), name="case_detail"),
    path("cases/<int:case_pk>/long-term/", views.CaseLongTerm.as_view(), name="case_long_term"),
    path("rosters/", views.RosterListCreate.as_view(), name="roster_list"),
    path("rosters/<int:roster_pk>/", views.RosterDetail.as_view(), name="roster_detail"),
    path("tasks/<int:task_pk>/reports/", views.ReportCreate.as_view(), name="report_create"),
    # The OpenAPI 3 schema (JSON or ?format=yaml) and its pages, served from the portal's own static files.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
