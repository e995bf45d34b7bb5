from django.urls import path

from . import views

app_name = "cadres"

urlpatterns = [
    path("mine/", views.my_households, name="my_households"),
    path("without/", views.without_cadre, name="without_cadre"),
    path("households/<int:household_pk>/", views.assign, name="assign"),
    path("households/<int:household_pk>/remove/", views.unassign, name="unassign"),
]
