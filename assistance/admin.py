from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AssistancePlan,
    AssistanceSettings,
    Measure,
    MeasureSuggestion,
    PolicyTask,
    ProgressReport,
    TaskAssignment,
    WelfarePost,
)


@admin.register(AssistanceSettings)
class AssistanceSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "measure_deadline_days", "report_due_days"]


@admin.register(MeasureSuggestion)
class MeasureSuggestionAdmin(admin.ModelAdmin):
    """The suggestion catalogue: administrators edit which measures each risk type suggests."""

    list_display = ["risk_type", "measure_type", "description", "department", "sort_order", "is_active"]
    list_filter = ["risk_type", "measure_type", "is_active"]
    list_editable = ["sort_order", "is_active"]


class TaskAssignmentInline(admin.TabularInline):
    model = TaskAssignment
    extra = 0


@admin.register(PolicyTask)
class PolicyTaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "section", "frequency", "is_active"]
    list_filter = ["section", "frequency", "is_active"]
    inlines = [TaskAssignmentInline]


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ["assignment", "period", "status", "submitted_at"]
    list_filter = ["status", "assignment__department"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)


@admin.register(AssistancePlan)
class AssistancePlanAdmin(SimpleHistoryAdmin):
    list_display = ["household", "case", "drawn_up_on", "status"]
    raw_id_fields = ["household", "case"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["description", "household", "measure_type", "department", "status"]
    list_filter = ["measure_type", "status", "department"]
    raw_id_fields = ["plan", "household"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)


@admin.register(WelfarePost)
class WelfarePostAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "township", "holder", "is_active"]
    raw_id_fields = ["holder"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)
