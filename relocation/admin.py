from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import AccessLog, log_access

from .models import Household, Member


class LoggedPersonalDataMixin:
    """A change page (and its history) shows full ID numbers and phones: each look is in the access log,
    as the portal's "显示" is (issue 20, item 10)."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._log(request, object_id, "admin change page")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._log(request, object_id, "admin history")
        return response

    def _log(self, request, object_id, detail):
        if request.method != "GET":
            return
        obj = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if obj is not None:
            log_access(request.user, AccessLog.Action.UNMASK, obj, detail=detail)


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ["name", "id_number", "relation", "labour_capacity", "willing_to_work", "health", "employment"]


@admin.register(Household)
class HouseholdAdmin(LoggedPersonalDataMixin, SimpleHistoryAdmin):
    list_display = ["code", "head_name", "household_type", "township", "settlement", "status"]
    list_filter = ["household_type", "status", "township", "settlement"]
    search_fields = ["code", "head_name"]
    list_select_related = ["township", "settlement"]
    inlines = [MemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)


@admin.register(Member)
class MemberAdmin(LoggedPersonalDataMixin, SimpleHistoryAdmin):
    list_display = ["name", "household", "relation", "labour_capacity", "employment"]
    list_filter = ["relation", "labour_capacity", "employment", "health"]
    search_fields = ["name", "household__code"]
    list_select_related = ["household"]
    raw_id_fields = ["household"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)
