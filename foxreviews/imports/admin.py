"""The ImportLogs in the admin, read-only: they are written by the imports only."""

from django.contrib import admin

from .models import ImportLog


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = (
        "id", "type", "status", "rows_read", "rows_created", "rows_updated",
        "rows_rejected", "started_at", "finished_at", "error",
    )  # fmt: skip
    list_filter = ("type", "status")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.opts.fields]
