from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ProgrammeSettings, SalesChannel


@admin.register(ProgrammeSettings)
class ProgrammeSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "loan_overdue_days", "many_workers"]

    def has_add_permission(self, request):
        return not ProgrammeSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SalesChannel)
class SalesChannelAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "operator", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "operator"]
