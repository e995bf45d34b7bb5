from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportMixin, ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.catalogues import catalogue_resource

from . import services
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


def _risk_label(value: str) -> str:
    from monitoring.models import RiskType

    return str(RiskType(value).label) if value in RiskType.values else value


class RiskTypeFilter(admin.SimpleListFilter):
    """Risk types by their Chinese names, not the stored keys."""

    title = gettext_lazy("risk type")
    parameter_name = "risk_type"

    def lookups(self, request, model_admin):
        from monitoring.models import RiskType

        return RiskType.choices

    def queryset(self, request, queryset):
        return queryset.filter(risk_type=self.value()) if self.value() else queryset


@admin.register(MeasureSuggestion)
class MeasureSuggestionAdmin(ImportExportMixin, admin.ModelAdmin):
    """The suggestion catalogue: administrators edit which measures each risk type suggests.
    A workbook's row is matched on its risk type, measure type and department (one suggestion each)."""

    def get_resource_classes(self, request):
        from monitoring.models import RiskType

        return [
            catalogue_resource(
                MeasureSuggestion,
                id_fields=["risk_type", "measure_type", "department"],
                choices={"risk_type": RiskType.choices},
                by_name={"department": "name"},
            )
        ]

    list_display = ["risk_type_label", "measure_type", "description", "department", "sort_order", "is_active"]
    list_filter = [RiskTypeFilter, "measure_type", "is_active"]
    list_editable = ["sort_order", "is_active"]

    @admin.display(description=gettext_lazy("risk type"), ordering="risk_type")
    def risk_type_label(self, suggestion):
        return _risk_label(suggestion.risk_type)


class TaskAssignmentInline(admin.TabularInline):
    """A department or a township (not both) answerable for the task."""

    model = TaskAssignment
    fields = ["department", "township", "is_lead"]
    extra = 0


@admin.register(PolicyTask)
class PolicyTaskAdmin(ImportExportModelAdmin):
    resource_classes = [catalogue_resource(PolicyTask, id_fields=["code"])]
    list_display = ["code", "title", "section", "frequency", "townships_concerned", "is_active"]
    list_filter = ["section", "frequency", "townships_concerned", "is_active"]
    inlines = [TaskAssignmentInline]
    actions = ["assign_townships"]

    @admin.action(description=gettext_lazy("Assign to the townships concerned (with a site or dispersed households)"))
    def assign_townships(self, request, queryset):
        created = services.task_assign_townships(tasks=queryset)
        self.message_user(request, _("%(n)s township assignments added.") % {"n": created})


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ["assignment", "period", "status", "submitted_at"]
    list_filter = ["status", "assignment__department", "assignment__township"]

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
