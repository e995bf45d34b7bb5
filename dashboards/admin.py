"""The figures tables' rebuilds, for whoever runs the portal: when the last one ran and how long it took."""

from django.contrib import admin

from .models import FiguresRebuild


@admin.register(FiguresRebuild)
class FiguresRebuildAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "income_since", "households", "seconds"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
