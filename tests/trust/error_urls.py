"""A page that fails the way a real one might, with personal data in every corner of the report."""

from django.urls import include, path


def failing_view(request):
    id_number = request.POST.get("id_number", "")
    member_name = request.POST.get("name", "")
    raise ValueError(f"duplicate key value violates unique constraint: (id_number)=({id_number}) for {member_name}")


urlpatterns = [
    path("fail/", failing_view),
    path("", include("portal.urls")),
]
