"""GET /health/live/ answered in the web process's ASGI application, before the WSGI thread pool
and Django (core.health.answer_liveness_first); every other request goes on to Django."""

import json
import urllib.request

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator

from foxreviews.core.health import answer_liveness_first
from foxreviews.core.tests.webserver import web_process


def _scope(path="/health/live/", method="GET", headers=()):
    return {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
            "query_string": b"", "headers": list(headers)}  # fmt: skip


@async_to_sync
async def _call(scope) -> tuple[int, dict, bytes, list]:
    passed_on = []

    async def django(scope, receive, send):
        passed_on.append(scope["path"])
        await send({"type": "http.response.start", "status": 405, "headers": []})
        await send({"type": "http.response.body", "body": b"django"})

    communicator = ApplicationCommunicator(answer_liveness_first(django), scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=5)
    body = await communicator.receive_output(timeout=5)
    await communicator.wait(timeout=5)
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, body["body"], passed_on


def test_the_probe_is_answered_without_django_and_keeps_a_valid_request_id():
    status, headers, body, passed_on = _call(
        _scope(headers=[(b"x-request-id", b"nginx-4f2a.9_b:1")])
    )
    assert (status, json.loads(body), passed_on) == (200, {"status": "ok"}, [])
    assert headers["x-request-id"] == "nginx-4f2a.9_b:1"
    assert headers["content-type"] == "application/json"
    assert headers["content-length"] == str(len(body))
    assert "no-store" in headers["cache-control"]

    for incoming in ([], [(b"x-request-id", b"a b\xe9")]):  # none, or not a valid token
        _, headers, _, _ = _call(_scope(headers=incoming))
        assert len(headers["x-request-id"]) == 32 and int(headers["x-request-id"], 16) >= 0


@pytest.mark.parametrize(
    ("path", "method"),
    [("/health/live/", "POST"), ("/health/live/", "HEAD"), ("/health/live", "GET"),
     ("/health/ready/", "GET"), ("/health/live/x", "GET")],
)  # fmt: skip
def test_anything_else_goes_on_to_django(path, method):
    status, _, body, passed_on = _call(_scope(path, method))
    assert (status, body, passed_on) == (405, b"django", [path])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_web_process_answers_the_probe_before_django(tmp_path):
    """The real process: the probe answers, and /metrics (which counts every request Django
    serves) never sees it."""
    with web_process(METRICS_ENABLED="true", FOXREVIEWS_VAR_DIR=str(tmp_path)) as port:
        base = f"http://127.0.0.1:{port}"
        for _ in range(5):
            headers = {"X-Request-ID": "p-1"}
            request = urllib.request.Request(f"{base}/health/live/", headers=headers)
            with urllib.request.urlopen(request, timeout=10) as response:
                assert (response.status, response.headers["X-Request-ID"]) == (200, "p-1")
                assert json.loads(response.read()) == {"status": "ok"}
        with urllib.request.urlopen(f"{base}/avis/charte/", timeout=10) as response:
            assert response.status == 200
        with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
            scraped = response.read().decode()
        assert 'route="/avis/charte/"' in scraped
        assert 'route="/health/live/"' not in scraped
