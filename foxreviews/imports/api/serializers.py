"""Shapes of the imports API: an upload, and an ImportLog with its progress."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from foxreviews.core.api.serializers import InputSerializer
from foxreviews.imports.models import ImportCheckpoint, ImportLog


class UploadSerializer(InputSerializer):
    file = serializers.FileField(
        allow_empty_file=False,
        help_text="CSV (UTF-8 or Windows-1252, `,` or `;`) or XLSX; 10 MB and 50,000 rows at most",
    )
    dry_run = serializers.BooleanField(default=False, help_text="validate and count, write nothing")


class UploadAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_url = serializers.CharField()


class ProgressSerializer(serializers.Serializer):
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField(allow_null=True)


class CountersSerializer(serializers.Serializer):
    read = serializers.IntegerField(source="rows_read")
    created = serializers.IntegerField(source="rows_created")
    updated = serializers.IntegerField(source="rows_updated")
    unchanged = serializers.IntegerField(source="rows_unchanged")
    rejected = serializers.IntegerField(source="rows_rejected")


class ImportLogSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(source="source", read_only=True)
    dry_run = serializers.BooleanField(read_only=True)
    progress = serializers.SerializerMethodField()
    counters = CountersSerializer(source="*")
    rejected_rows_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportLog
        fields = [
            "id", "type", "status", "file_name", "dry_run", "created_at", "started_at",
            "finished_at", "progress", "counters", "errors", "error", "rejected_rows_url",
        ]  # fmt: skip

    @staticmethod
    def _done(log: ImportLog) -> int:
        if log.status == ImportLog.Status.RUNNING:
            running = [
                c for c in log.checkpoints.all() if c.status == ImportCheckpoint.Status.RUNNING
            ]
            return sum(c.records_done for c in running)
        return log.rows_read

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, log: ImportLog) -> dict:
        total = log.rows_total
        done = self._done(log)
        if log.status in (ImportLog.Status.SUCCESS, ImportLog.Status.PARTIAL):
            total = total or done
        percent = min(100, round(100 * done / total)) if total else None
        return {"rows_done": done, "rows_total": total, "percent": percent}

    def get_rejected_rows_url(self, log: ImportLog) -> str | None:
        if not log.rejects_file:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("import-rejected-rows", args=[log.pk])
        )
