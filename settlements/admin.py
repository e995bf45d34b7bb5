from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Settlement, Township, Village


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
