"""The request id: kept when valid, else replaced; in the response, on the JSON log lines of the
request, in the header of the tasks it publishes and on the log lines of those tasks."""

import io
import json
import logging

import pytest
import structlog
from celery.signals import before_task_publish

from config.celery_app import app
from foxreviews.core.logging import logging_settings
from foxreviews.core.request_id import current_request_id


@app.task(name="foxreviews.core.tests.request_id_probe")
def request_id_probe():
    structlog.get_logger("probe").info("task ran")
    return current_request_id()


def test_a_valid_incoming_id_is_returned(client):
    response = client.get("/health/live/", HTTP_X_REQUEST_ID="nginx-4f2a.9_b:1")
    assert response["X-Request-ID"] == "nginx-4f2a.9_b:1"
    assert current_request_id() is None  # unbound once the request ended


@pytest.mark.parametrize("incoming", [None, "", "a b", "x" * 129, "é", "a\nb"])
def test_a_missing_or_invalid_id_is_replaced(client, incoming):
    headers = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    first = client.get("/health/live/", **headers)["X-Request-ID"]
    second = client.get("/health/live/", **headers)["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second and first != incoming


@pytest.fixture
def json_lines():
    config = logging_settings(level="INFO", process_name="unused")["formatters"]["json"]
    formatter = config.pop("()")(**config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


@pytest.mark.django_db
def test_the_request_log_lines_carry_the_id_and_keep_their_fields(client, json_lines):
    client.get("/api/nulle-part/", HTTP_X_REQUEST_ID="req-1")
    (line,) = [line for line in json_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == "req-1"
    assert line["level"] == "warning" and line["status_code"] == 404
    assert line["event"].startswith("Not Found: /api/nulle-part/")
    assert "timestamp" in line


def test_a_task_published_during_a_request_carries_its_id():
    captured = {}

    def capture(headers=None, **kwargs):
        captured.update(headers)

    before_task_publish.connect(capture)
    headers = {"id": "t1", "task": "x"}
    try:
        with structlog.contextvars.bound_contextvars(request_id="req-2"):
            before_task_publish.send(sender="x", headers=headers, body=(), exchange="",
                                     routing_key="default", properties={}, declare=[],
                                     retry_policy=None)  # fmt: skip
        before_task_publish.send(sender="x", headers=(bare := {"id": "t2"}), body=())
    finally:
        before_task_publish.disconnect(capture)
    assert captured["request_id"] == "req-2" and headers["request_id"] == "req-2"
    assert "request_id" not in bare  # no request, no id


def test_a_task_runs_and_logs_under_its_message_id_then_gives_the_previous_back(json_lines):
    with structlog.contextvars.bound_contextvars(request_id="outer"):
        result = request_id_probe.apply(headers={"request_id": "req-3"})
        assert current_request_id() == "outer"
        invalid = request_id_probe.apply(headers={"request_id": "bad id"})
    assert result.get() == "req-3"
    assert invalid.get() == "outer"  # not a token: not bound
    ran = [line["request_id"] for line in json_lines() if line["event"] == "task ran"]
    assert ran == ["req-3", "outer"]
