from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from portal.catalogues import catalogue_resource

from . import services, views
from .models import AccessLog, Department, LoginSession, User


@admin.register(Department)
class DepartmentAdmin(ImportExportModelAdmin):
    resource_classes = [catalogue_resource(Department, id_fields=["code"])]
    list_display = ["name", "short_name", "kind", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "department", "district_wide", "is_active"]
    list_filter = ["role", "is_active", "district_wide", "department"]
    search_fields = ["username", "full_name"]
    filter_horizontal = ["townships", "settlements", "groups", "user_permissions"]
    actions = ["disable_and_end_sessions"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            _("Role and scope"),
            {"fields": ("full_name", "phone", "role", "district_wide", "townships", "settlements", "department")},
        ),
    )

    @admin.action(description=_("Disable the selected users and end their sessions"), permissions=["change"])
    def disable_and_end_sessions(self, request, queryset):
        ended = sum(services.user_disable(user=user, actor=request.user) for user in queryset.filter(is_active=True))
        self.message_user(request, _("Users disabled; %(count)d open sessions ended.") % {"count": ended})


def object_kind_name(label: str) -> str:
    """The Chinese name of a logged object's kind ("relocation.household" → 搬迁户), else the label."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


class ObjectKindFilter(admin.SimpleListFilter):
    """The access log filtered by the kind of object, named as the portal names it (issue 15)."""

    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        labels = AccessLog.objects.exclude(object_type="").values_list("object_type", flat=True).distinct()
        return sorted(((label, object_kind_name(label)) for label in labels), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the access log is written by the portal and edited by nobody."""

    list_display = ["at", "user", "action", "object_kind", "object_id", "rows", "detail"]
    list_filter = ["action", ObjectKindFilter]
    search_fields = ["user__username", "object_id", "detail"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("object type"), ordering="object_type")
    def object_kind(self, obj):
        return object_kind_name(obj.object_type) if obj.object_type else ""


@admin.register(LoginSession)
class LoginSessionAdmin(admin.ModelAdmin):
    """Who is signed in where; deleting a row here does not end the session, disabling the user does."""

    list_display = ["started_at", "user", "ip_address", "second_factor", "user_agent"]
    list_filter = ["second_factor"]
    search_fields = ["user__username", "user__full_name", "ip_address"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The admin site signs in through the portal's login page and its second factor.
admin.site.login = views.admin_login
