"""The queues `foxreviews up`'s worker listens on are those the platform's tasks are routed to."""

import fnmatch

from django.conf import settings

from config.celery_app import app
from foxreviews.runtime.supervisor import celery_queues


def _platform_tasks() -> list[str]:
    app.loader.import_default_modules()  # every app's tasks.py, as a worker does
    return sorted(name for name in app.tasks if name.startswith("foxreviews."))


def test_every_queue_but_the_default_one_receives_a_task():
    routed = {app.amqp.router.route({}, name)["queue"].name for name in _platform_tasks()}
    declared = set(celery_queues().split(","))
    assert routed <= declared
    assert declared - routed <= {settings.CELERY_TASK_DEFAULT_QUEUE}


def test_every_route_matches_a_task():
    tasks = _platform_tasks()
    unmatched = [
        pattern for pattern in settings.CELERY_TASK_ROUTES if not fnmatch.filter(tasks, pattern)
    ]
    assert unmatched == []
