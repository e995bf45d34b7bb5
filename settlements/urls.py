from django.urls import path

from . import views

app_name = "settlements"

urlpatterns = [
    path("", views.settlement_list, name="settlement_list"),
    path("<int:settlement_pk>/", views.settlement_detail, name="settlement_detail"),
]
