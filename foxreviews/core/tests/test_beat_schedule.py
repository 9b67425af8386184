"""The beat schedule: its entries, their queues, and the database copy an operator edits."""

import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from config.celery_app import app
from foxreviews.core.beat import DefaultsOnceScheduler

# entry → (task, queue, (minute, hour, day of week)); each task's effect is checked by the
# test named beside it
EXPECTED = {
    "heartbeat": ("foxreviews.core.tasks.heartbeat", "maintenance", ("*/5", "*", "*")),
    # imports/tests/test_upload_recovery.py
    "requeue-stale-uploads": (
        "foxreviews.imports.tasks.imports_requeue_stale_uploads", "maintenance", ("*", "*", "*"),
    ),
    # sponsorship/tests/test_expiry.py
    "expire-sponsorisations": (
        "foxreviews.sponsorship.tasks.expire_sponsorisations", "maintenance", ("5", "*", "*"),
    ),
    # orders/tests/test_sweep.py
    "sweep-sponsorship-orders": (
        "foxreviews.orders.tasks.commandes_sweep", "maintenance", ("*/10", "*", "*"),
    ),
    # location/tests/test_villes_api.py::test_popular_queries_are_counted_preloaded_and_decay
    "warm-caches": (
        "foxreviews.location.tasks.preload_popular_autocomplete", "maintenance",
        ("*/30", "*", "*"),
    ),
    # reports/tests/test_daily_report.py
    "daily-report": ("foxreviews.reports.tasks.daily_report", "reports", ("0", "0", "*")),
    # imports/tests/test_insee_tasks.py
    "insee-sync": ("foxreviews.imports.tasks.insee_sync_start", "insee", ("0", "2", "*")),
    # search/tests/test_search.py (the nightly task), stats/tests/test_stats.py
    "refresh-search-words": (
        "foxreviews.search.tasks.refresh_search_words", "maintenance", ("30", "3", "*"),
    ),
    "refresh-statistics": (
        "foxreviews.stats.tasks.refresh_statistics", "maintenance", ("0", "4", "*"),
    ),
    # imports/tests/test_clean_up.py
    "weekly-clean-up": (
        "foxreviews.imports.tasks.imports_clean_up", "maintenance", ("0", "3", "sunday"),
    ),
    # backups/tests/test_backup.py
    "nightly-backup": ("foxreviews.backups.tasks.backup_nightly", "backups", ("0", "5", "*")),
    # ai/tests/test_batch.py
    "ai-describe-batch": ("foxreviews.ai.tasks.ai_describe_batch", "ai", ("0", "6", "*")),
    # semantic/tests/test_embeddings.py::test_the_hourly_task_catches_up
    "embed-entreprises": (
        "foxreviews.semantic.tasks.embeddings_catch_up", "ai", ("40", "*", "*"),
    ),
}  # fmt: skip


def test_every_entry_runs_a_registered_task_on_its_queue_at_its_time():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert set(schedule) == set(EXPECTED)
    app.loader.import_default_modules()
    for name, (task, queue, (minute, hour, weekday)) in EXPECTED.items():
        entry = schedule[name]
        assert entry["task"] == task and task in app.tasks, name
        assert app.amqp.router.route({}, task)["queue"].name == queue, name
        crontab = entry["schedule"]
        as_text = (crontab._orig_minute, crontab._orig_hour, crontab._orig_day_of_week)
        assert tuple(str(part) for part in as_text) == (
            minute, hour, weekday,
        ), name  # fmt: skip


@pytest.mark.django_db(transaction=True)  # the scheduler closes its connection between looks
def test_the_database_schedule_is_created_once_and_an_operators_edit_is_kept():
    DefaultsOnceScheduler(app=app, lazy=False)
    stored = PeriodicTask.objects.exclude(name="celery.backend_cleanup")
    assert set(stored.values_list("name", flat=True)) == set(EXPECTED)
    report = PeriodicTask.objects.get(name="daily-report")
    assert (report.crontab.minute, report.crontab.hour) == ("0", "0")
    report.crontab.hour = "6"  # the operator moves it in the admin
    report.crontab.save()
    report.enabled = False
    report.save()
    DefaultsOnceScheduler(app=app, lazy=False)  # the beat starts again
    report.refresh_from_db()
    assert (report.crontab.hour, report.enabled) == ("6", False)
    assert stored.count() == len(EXPECTED)
