from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("home/", views.home, name="home"),
    path("export/", views.overview_export, name="overview_export"),
    path("townships/<int:township_pk>/", views.township, name="township"),
    path("townships/<int:township_pk>/export/", views.township_export, name="township_export"),
    path("settlements/<int:settlement_pk>/", views.settlement, name="settlement"),
    path("settlements/<int:settlement_pk>/export/", views.settlement_export, name="settlement_export"),
]
