"""Celery through a real broker (the suite otherwise runs tasks eagerly)."""

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery_app import app
from foxreviews.core.tasks import heartbeat


@pytest.fixture
def real_broker():
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True


@pytest.mark.slow
def test_beat_tasks_are_routed_to_their_queue_and_run_on_a_worker(real_broker, settings):
    assert app.amqp.router.route({}, heartbeat.name)["queue"].name == "maintenance"
    assert "heartbeat" in settings.CELERY_BEAT_SCHEDULE
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        queues=["maintenance"],
        loglevel="WARNING",
        shutdown_timeout=60,
    ):
        assert heartbeat.delay().get(timeout=30) == "ok"
