from django.contrib import admin

from .models import ImportLog


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = (
        "id", "type", "status", "rows_read", "rows_created", "rows_updated",
        "rows_rejected", "started_at", "finished_at", "error",
    )  # fmt: skip
    list_filter = ("type", "status")
    readonly_fields = [f.name for f in ImportLog._meta.fields]
