"""Existing ImportLog and ImportCheckpoint rows: what the code reads moves from their JSON
(`stats`, `state`, `counters["elapsed"]`) to the typed columns of 0007; an upload's rejected
rows move from the worker's folder into the media storage, as the `rejects_file` FileField."""

import datetime as dt
from pathlib import Path

from django.core.files import File
from django.db import migrations
from django.utils import timezone

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"  # the INSEE sync's window, Paris time without an offset
MOVED_STATS = ("resumable", "window", "dry_run", "rows_total", "file_name", "rejects_file")


def _window_bound(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.strptime(text, DATE_FORMAT))


def _window_text(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime(DATE_FORMAT)


def logs_forward(apps, schema_editor):
    ImportLog = apps.get_model("imports", "ImportLog")
    for log in ImportLog.objects.exclude(stats={}).iterator():
        stats = dict(log.stats)
        log.resumable = stats.get("resumable") is True
        log.dry_run = bool(stats.get("dry_run"))
        log.rows_total = stats.get("rows_total")
        window = stats.get("window")
        if window:
            log.window_since = _window_bound(window["since"])
            log.window_until = _window_bound(window["until"])
        rejects = Path(stats["rejects_file"]) if stats.get("rejects_file") else None
        if rejects is not None and rejects.is_file():
            with open(rejects, "rb") as handle:
                log.rejects_file.save(f"{log.pk}.rejected.csv", File(handle), save=False)
            rejects.unlink()
        log.stats = {k: v for k, v in stats.items() if k not in MOVED_STATS}
        log.save()


def logs_backward(apps, schema_editor):
    ImportLog = apps.get_model("imports", "ImportLog")
    for log in ImportLog.objects.iterator():
        stats = dict(log.stats)
        if log.resumable:
            stats["resumable"] = True
        if log.window_since and log.window_until:
            stats["window"] = {
                "since": _window_text(log.window_since),
                "until": _window_text(log.window_until),
            }
        if log.type in ("csv", "xlsx"):
            stats.update(dry_run=log.dry_run, rows_total=log.rows_total, file_name=log.source)
        if log.rejects_file:
            stats["rejects_file"] = log.rejects_file.path  # left in the media storage
        log.stats = stats
        log.save()


def checkpoints_forward(apps, schema_editor):
    ImportCheckpoint = apps.get_model("imports", "ImportCheckpoint")
    for checkpoint in ImportCheckpoint.objects.iterator():
        state, counters = checkpoint.state or {}, dict(checkpoint.counters or {})
        checkpoint.source = state.get("q") or checkpoint.source
        checkpoint.cursor = state.get("cursor") or ""
        checkpoint.pages = state.get("pages") or 0
        checkpoint.total = state.get("total")
        checkpoint.rejected_examples = state.get("rejects") or []
        checkpoint.dropped = state.get("dropped")
        checkpoint.elapsed_seconds = counters.pop("elapsed", 0.0)
        checkpoint.counters = counters
        checkpoint.save()


def checkpoints_backward(apps, schema_editor):
    ImportCheckpoint = apps.get_model("imports", "ImportCheckpoint")
    for checkpoint in ImportCheckpoint.objects.iterator():
        state = {}
        if checkpoint.dropped is not None:
            state["dropped"] = checkpoint.dropped
        if checkpoint.cursor:  # an INSEE slice
            state.update(
                q=checkpoint.source,
                cursor=checkpoint.cursor,
                pages=checkpoint.pages,
                total=checkpoint.total,
                rejects=checkpoint.rejected_examples,
            )
        checkpoint.state = state
        if checkpoint.elapsed_seconds:
            checkpoint.counters = {**checkpoint.counters, "elapsed": checkpoint.elapsed_seconds}
        checkpoint.save()


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0007_typed_import_state"),
    ]

    operations = [
        migrations.RunPython(logs_forward, logs_backward),
        migrations.RunPython(checkpoints_forward, checkpoints_backward),
    ]
