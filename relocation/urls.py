from django.urls import path

from . import views

app_name = "relocation"

urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("new/", views.household_create, name="household_create"),
    path("<int:household_pk>/", views.household_detail, name="household_detail"),
    path("<int:household_pk>/edit/", views.household_edit, name="household_edit"),
    path("<int:household_pk>/history/", views.household_history, name="household_history"),
    path("<int:household_pk>/members/new/", views.member_create, name="member_create"),
    path("<int:household_pk>/members/<int:member_pk>/edit/", views.member_edit, name="member_edit"),
    path("<int:household_pk>/reveal/<str:field>/", views.household_reveal, name="household_reveal"),
    path("<int:household_pk>/members/<int:member_pk>/reveal/<str:field>/", views.member_reveal, name="member_reveal"),
    path("<int:household_pk>/members/<int:member_pk>/identity/", views.member_identity, name="member_identity"),
]
