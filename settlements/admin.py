from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AssetDistribution,
    AssetIncome,
    CommunityActivity,
    DisputeMediation,
    Facility,
    FacilityMaintenance,
    HazardPhoto,
    ProjectAsset,
    ResidentRequest,
    SafetyHazard,
    Settlement,
    Township,
    Village,
)


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "township"]
    list_filter = ["kind", "township"]
    search_fields = ["name", "code"]


@admin.register(Settlement)
class SettlementAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "township", "site_head"]
    list_filter = ["kind", "township"]
    search_fields = ["name", "code"]


class FacilityMaintenanceInline(admin.TabularInline):
    model = FacilityMaintenance
    extra = 0


class HazardPhotoInline(admin.TabularInline):
    model = HazardPhoto
    extra = 0


class AssetDistributionInline(admin.TabularInline):
    model = AssetDistribution
    extra = 0


class ScopedAdmin(SimpleHistoryAdmin):
    """The admin shows what the scope gate lets the administrator see, like every other page."""

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)


@admin.register(Facility)
class FacilityAdmin(ScopedAdmin):
    list_display = ["name", "facility_type", "settlement", "status", "maintainer"]
    list_filter = ["facility_type", "status", "settlement"]
    search_fields = ["name", "maintainer"]
    inlines = [FacilityMaintenanceInline]


@admin.register(SafetyHazard)
class SafetyHazardAdmin(ScopedAdmin):
    list_display = ["found_on", "hazard_type", "severity", "settlement", "deadline", "rectified_on", "overdue_since"]
    list_filter = ["hazard_type", "severity", "settlement"]
    search_fields = ["description", "responsible_unit"]
    raw_id_fields = ["household"]
    inlines = [HazardPhotoInline]

    def save_model(self, request, obj, form, change):
        # Through the service, so a serious household hazard saved here also reaches the monitoring queue.
        from .services import hazard_save

        hazard_save(hazard=obj, actor=request.user)


@admin.register(CommunityActivity)
class CommunityActivityAdmin(ScopedAdmin):
    list_display = ["date", "kind", "title", "settlement", "participants"]
    list_filter = ["kind", "settlement"]


@admin.register(DisputeMediation)
class DisputeMediationAdmin(ScopedAdmin):
    list_display = ["date", "kind", "parties", "settlement", "outcome"]
    list_filter = ["kind", "outcome", "settlement"]


@admin.register(ResidentRequest)
class ResidentRequestAdmin(ScopedAdmin):
    list_display = ["received_on", "requester", "settlement", "status", "assigned_department", "deadline"]
    list_filter = ["status", "channel", "settlement", "assigned_department"]
    search_fields = ["content", "requester"]
    raw_id_fields = ["household"]


@admin.register(ProjectAsset)
class ProjectAssetAdmin(ScopedAdmin):
    list_display = ["name", "kind", "settlement", "value", "registration_no", "status"]
    list_filter = ["kind", "status", "settlement"]
    search_fields = ["name", "registration_no"]


@admin.register(AssetIncome)
class AssetIncomeAdmin(SimpleHistoryAdmin):
    list_display = ["asset", "year", "income"]
    inlines = [AssetDistributionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def has_add_permission(self, request):
        # Plans are saved through asset_income_plan_save, which refuses a plan over the income.
        return False

    def has_change_permission(self, request, obj=None):
        return False
