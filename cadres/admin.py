from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import HouseholdCadre


@admin.register(HouseholdCadre)
class HouseholdCadreAdmin(SimpleHistoryAdmin):
    list_display = ["household", "name", "unit", "user", "assigned_by", "assigned_at"]
    search_fields = ["household__code", "household__head_name", "name", "unit"]
    raw_id_fields = ["household", "user"]
    readonly_fields = ["assigned_by", "assigned_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)
