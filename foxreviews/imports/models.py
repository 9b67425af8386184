"""ImportLog (one row per import run: its counters, its errors, what it needs to resume) and
ImportCheckpoint (where one file or one INSEE slice of a run stands)."""

from django.conf import settings
from django.db import models

from foxreviews.core.models import TimeStampedModel


class ImportLog(TimeStampedModel):
    class Type(models.TextChoices):
        REFERENCE = "reference", "Données de référence"
        DEMO = "demo", "Données de démonstration"
        SIRENE_STOCK = "sirene_stock", "Fichier stock SIRENE"
        SIRENE_API = "sirene_api", "API Sirene (incrémental)"
        CSV = "csv", "Fichier CSV"
        XLSX = "xlsx", "Fichier XLSX"

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours"
        SUCCESS = "success", "Terminé"
        PARTIAL = "partial", "Terminé avec rejets"
        FAILED = "failed", "Échoué"

    type = models.CharField(max_length=20, choices=Type.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    source = models.CharField("source (chemin ou URL)", max_length=500, blank=True)
    rows_read = models.PositiveBigIntegerField(default=0)
    rows_created = models.PositiveBigIntegerField(default=0)
    rows_updated = models.PositiveBigIntegerField(default=0)
    rows_unchanged = models.PositiveBigIntegerField(default=0)
    rows_rejected = models.PositiveBigIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # why a failed run failed, in one line (its counters say how far it went)
    error = models.CharField("erreur", max_length=500, blank=True)
    # the run's report, for people (the code never branches on it)
    stats = models.JSONField(default=dict, blank=True)
    # a run stopped before its end, that the next run of its kind takes up
    resumable = models.BooleanField("reprenable", default=False)
    dry_run = models.BooleanField("essai à blanc", default=False)
    rows_total = models.PositiveBigIntegerField("lignes du fichier", null=True, blank=True)
    # the INSEE sync's window: établissements INSEE changed from `since` to `until` included
    window_since = models.DateTimeField("fenêtre depuis", null=True, blank=True)
    window_until = models.DateTimeField("fenêtre jusqu'à", null=True, blank=True)
    rejects_file = models.FileField(
        "lignes rejetées", upload_to="imports/rejects/%Y/%m/", blank=True
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # an upload's last sign of life: accepted, taken by a worker, then every few seconds while
    # a worker works on it; older than a few minutes while pending or running, it is lost (its
    # worker died, or its message) and a sweep queues it again (imports_requeue_stale_uploads)
    heartbeat_at = models.DateTimeField("signe de vie", null=True, blank=True)
    requeued = models.PositiveSmallIntegerField("remis en file", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = "journal d'import"
        verbose_name_plural = "journaux d'import"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["type", "-created_at"], name="importlog_type_created_idx"),
            # the sweep's look, every minute, at the runs still going
            models.Index(
                fields=["heartbeat_at"],
                name="importlog_live_heartbeat_idx",
                condition=models.Q(status__in=["pending", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} #{self.pk} ({self.get_status_display()})"


class ImportCheckpoint(TimeStampedModel):
    """Where one file of a bulk import, or one slice of an INSEE sync, stands: committed with
    each chunk or page written, so a killed run resumes here with no row lost or doubled."""

    class Status(models.TextChoices):
        RUNNING = "running", "En cours"
        DONE = "done", "Terminé"

    file_key = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=500)  # a file's path, or an INSEE slice's query
    import_log = models.ForeignKey(ImportLog, on_delete=models.CASCADE, related_name="checkpoints")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    byte_offset = models.PositiveBigIntegerField(default=0)
    records_done = models.PositiveBigIntegerField(default=0)
    rejects_size = models.PositiveBigIntegerField(default=0)
    # read and written by ImportCounters only (counters.py)
    counters = models.JSONField(default=dict)
    # a bulk import: its time up to this chunk, and the indexes and foreign keys it dropped
    # (None until it has decided), so that a resumed run rebuilds exactly those
    elapsed_seconds = models.FloatField(default=0.0)
    dropped = models.JSONField(null=True, blank=True)
    # an INSEE slice: the cursor of its next page, pages written, INSEE's total, a few
    # rejected rows kept as examples
    cursor = models.CharField(max_length=500, blank=True)
    pages = models.PositiveIntegerField(default=0)
    total = models.PositiveBigIntegerField(null=True, blank=True)
    rejected_examples = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "point de reprise d'import"

    def __str__(self) -> str:
        return f"{self.source} @ {self.records_done}"
