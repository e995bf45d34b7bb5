from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Notification

# What each kind of notification is called in the admin (the kinds are keys the apps send with).
KIND_NAMES = {
    "approvals.case": pgettext_lazy("notification kind", "Case awaiting district approval"),
    "approvals.extension": pgettext_lazy("notification kind", "Housing extension awaiting approval"),
    "approvals.report": pgettext_lazy("notification kind", "Report awaiting acceptance"),
    "assistance.case_without_measure": pgettext_lazy("notification kind", "Case without assistance measures"),
    "assistance.report_late": pgettext_lazy("notification kind", "Progress report late"),
    "assistance.report_returned": pgettext_lazy("notification kind", "Progress report sent back"),
    "hazard_overdue": pgettext_lazy("notification kind", "Safety hazard not rectified in time"),
    "request_overdue": pgettext_lazy("notification kind", "Residents' request not answered in time"),
    "monitoring.alert": pgettext_lazy("notification kind", "Risk alert"),
    "monitoring.digest": pgettext_lazy("notification kind", "Monitoring digest"),
    "monitoring.screening": pgettext_lazy("notification kind", "Risk screening result"),
}


def kind_name(kind: str) -> str:
    return str(KIND_NAMES.get(kind, kind))


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = Notification.objects.values_list("kind", flat=True).distinct()
        return sorted(((kind, kind_name(kind)) for kind in kinds), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind_label", "title", "read_at"]
    list_filter = [KindFilter]
    search_fields = ["title", "user__username"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        return kind_name(obj.kind)
