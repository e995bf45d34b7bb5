from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/<int:household_pk>/", views.plan_create, name="plan_create"),
    path("plans/<int:plan_pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_pk>/measures/new/", views.measure_create, name="measure_create"),
    path("plans/without-measures/", views.cases_without_measures, name="cases_without_measures"),
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/<int:measure_pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:measure_pk>/edit/", views.measure_edit, name="measure_edit"),
    path("employment/zero/", views.zero_employment, name="zero_employment"),
    path("employment/new/<int:household_pk>/", views.employment_create, name="employment_create"),
    path("employment/<int:record_pk>/end/", views.employment_end, name="employment_end"),
    path("trainings/new/<int:household_pk>/", views.training_create, name="training_create"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/<int:post_pk>/", views.post_edit, name="post_edit"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:task_pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_pk>/report/", views.report_create, name="report_create"),
    path("tasks/<int:task_pk>/townships/", views.task_townships, name="task_townships"),
    path("reports/<int:report_pk>/", views.report_detail, name="report_detail"),
    path("attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path("department/", views.my_department, name="my_department"),
    path("departments/<int:department_pk>/", views.department_detail, name="department_detail"),
    path("housing/", views.extension_list, name="extension_list"),
    path("housing/new/<int:household_pk>/", views.extension_create, name="extension_create"),
    path("housing/<int:extension_pk>/", views.extension_detail, name="extension_detail"),
    path("housing/<int:extension_pk>/income-proof/", views.extension_income_proof, name="extension_income_proof"),
    path("housing/<int:extension_pk>/village-review/", views.extension_village_review, name="extension_village_review"),
    path(
        "housing/<int:extension_pk>/township-decision/",
        views.extension_township_decide,
        name="extension_township_decide",
    ),
]
