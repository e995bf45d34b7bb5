from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Household, Member


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ["name", "id_number", "relation", "labour_capacity", "willing_to_work", "health", "employment"]


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["code", "head_name", "household_type", "township", "settlement", "status"]
    list_filter = ["household_type", "status", "township", "settlement"]
    search_fields = ["code", "head_name"]
    list_select_related = ["township", "settlement"]
    inlines = [MemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "household", "relation", "labour_capacity", "employment"]
    list_filter = ["relation", "labour_capacity", "employment", "health"]
    search_fields = ["name", "household__code"]
    list_select_related = ["household"]
    raw_id_fields = ["household"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)
