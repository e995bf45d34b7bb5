from django import forms
from django.contrib import admin
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from portal.catalogues import catalogue_resource

from .models import Alert, DepartmentRoster, LedgerEntry, MonitoringCase, ObjectionOffice, ScreeningRun, Thresholds


class ThresholdsForm(forms.ModelForm):
    """The measure types that continue after elimination are ticked by name, never typed as JSON keys."""

    continuing_measure_types = forms.MultipleChoiceField(
        label=Thresholds._meta.get_field("continuing_measure_types").verbose_name,
        help_text=Thresholds._meta.get_field("continuing_measure_types").help_text,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Thresholds
        fields = "__all__"  # noqa: DJ007 - the admin lists every threshold; the ModelAdmin decides the layout

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from assistance.models import MeasureType  # assistance sits above monitoring in the layers

        self.fields["continuing_measure_types"].choices = MeasureType.choices


def _thresholds_resource():
    from assistance.models import MeasureType  # assistance sits above monitoring in the layers

    return catalogue_resource(
        Thresholds,
        id_fields=["year"],
        exclude=["updated_at", "updated_by"],
        choices={"continuing_measure_types": MeasureType.choices},
    )


@admin.register(Thresholds)
class ThresholdsAdmin(ImportExportMixin, SimpleHistoryAdmin):
    """Where the administrator sets each year's thresholds; the history button shows every change.
    导出 / 导入 carry a year's thresholds to a workbook and back (matched on the year)."""

    def get_resource_classes(self, request):
        return [_thresholds_resource()]

    form = ThresholdsForm

    list_display = [
        "year",
        "income_line",
        "warning_multiplier",
        "income_drop_percent",
        "observation_months",
        "visit_interval_normal",
        "visit_interval_monitored",
        "updated_at",
        "updated_by",
    ]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ScreeningRun)
class ScreeningRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "mode", "status", "as_of", "alerts_raised", "finished_at"]
    list_filter = ["mode", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(SimpleHistoryAdmin):
    list_display = ["household", "rule", "period", "status", "created_at"]
    list_filter = ["rule", "status"]
    raw_id_fields = ["household", "case"]
    readonly_fields = ["created_by", "resolved_by"]


@admin.register(MonitoringCase)
class MonitoringCaseAdmin(SimpleHistoryAdmin):
    list_display = ["household", "object_type", "status", "identified_at", "eliminated_at"]
    list_filter = ["status", "object_type"]
    raw_id_fields = ["household"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(SimpleHistoryAdmin):
    list_display = ["household", "period", "household_size", "wage_income", "medical_expense", "source"]
    raw_id_fields = ["household"]


@admin.register(DepartmentRoster)
class DepartmentRosterAdmin(admin.ModelAdmin):
    list_display = ["title", "department", "fact", "period", "row_count", "matched_count", "uploaded_at"]


@admin.register(ObjectionOffice)
class ObjectionOfficeAdmin(SimpleHistoryAdmin):
    """Who takes objections to a public notice, per township or as the district's default: notices are
    pre-filled from here instead of the office and phone being typed each time."""

    list_display = ["__str__", "township", "office", "office_phone", "updated_at"]
    list_select_related = ["township"]
