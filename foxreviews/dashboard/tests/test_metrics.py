"""GET /metrics in one process: the route's pattern as label, status counters, Celery tasks,
websockets, import rows, the queues' lengths; off by default, refused to other clients."""

import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import Client

from config.celery_app import app as celery_app
from foxreviews.core import metrics
from foxreviews.core.tasks import heartbeat
from foxreviews.imports.sirene.bulk import BulkImportOptions, sirene_bulk_import
from foxreviews.imports.tests.stock_rows import siret
from foxreviews.imports.tests.uploading import client_for, upload_and_run
from foxreviews.realtime.tests.live import make_user, open_socket, token_header

from .metrics_scrape import delta, scrape, value

DURATION = "foxreviews_http_request_duration_seconds"
RESPONSES = "foxreviews_http_responses_total"
FINISHED = "foxreviews_celery_tasks_finished_total"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_ENABLED = True
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "::1"]
    settings.METRICS_TOKEN = ""
    return settings


@pytest.mark.django_db
def test_requests_are_counted_under_their_route_pattern_method_and_status(client, metrics_on):
    before = scrape(client)
    for _ in range(3):
        assert client.get("/api/villes/autocomplete/", {"q": "par"}).status_code == 200
    for number in ("12345678901234", "98765432109876"):  # two paths, one pattern
        assert client.get(f"/api/entreprises/{number}/").status_code == 404
    assert client.post("/health/live/").status_code == 405
    assert client.get("/nulle-part/12/").status_code == 404
    assert client.get("/ailleurs/").status_code == 404
    assert client.generic("BREW", "/health/live/").status_code == 405
    after = scrape(client)

    autocomplete = {"route": "/api/villes/autocomplete/", "method": "GET"}
    assert delta(before, after, f"{DURATION}_count", **autocomplete) == 3
    assert delta(before, after, RESPONSES, **autocomplete, status="200") == 3
    # every request is in the +Inf bucket, and the sum of its times is a positive duration
    assert delta(before, after, f"{DURATION}_bucket", **autocomplete, le="+Inf") == 3
    assert delta(before, after, f"{DURATION}_sum", **autocomplete) > 0
    detail = {"route": "/api/entreprises/<str:siret>/", "method": "GET"}
    assert delta(before, after, RESPONSES, **detail, status="404") == 2
    live = {"route": "/health/live/", "method": "POST"}
    assert delta(before, after, RESPONSES, **live, status="405") == 1
    invented = {"route": "/health/live/", "method": "other"}  # any method: one label
    assert delta(before, after, RESPONSES, **invented, status="405") == 1
    # paths no pattern matches: one label, never the path itself
    unmatched = {"route": metrics.UNMATCHED, "method": "GET"}
    assert delta(before, after, RESPONSES, **unmatched, status="404") == 2
    assert not [key for key in after if "/nulle-part/" in str(key) or "12345678901234" in str(key)]
    # the scrape before this one counts under its own route
    assert delta(before, after, RESPONSES, route="/metrics", method="GET", status="200") == 1


@pytest.mark.django_db
def test_a_task_run_eagerly_is_counted_with_its_duration(client, metrics_on):
    before = scrape(client)
    assert heartbeat.delay().get() == "ok"
    after = scrape(client)

    name = heartbeat.name
    assert delta(before, after, "foxreviews_celery_tasks_started_total", task=name) == 1
    assert delta(before, after, FINISHED, task=name, state="SUCCESS") == 1
    assert delta(before, after, "foxreviews_celery_task_duration_seconds_count", task=name) == 1
    assert delta(before, after, "foxreviews_celery_task_duration_seconds_sum", task=name) > 0
    # through a real worker, its failures and retries: runtime/tests/test_worker_metrics.py


@pytest.mark.django_db
def test_queue_lengths_are_read_from_the_broker_when_scraped(client, metrics_on):
    celery_app.conf.task_always_eager = False
    try:
        heartbeat.apply_async(queue="maintenance")  # no worker: it waits in its queue
        heartbeat.apply_async(queue="maintenance")
        samples = scrape(client)
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.control.purge()
    queues = {q.name for q in celery_app.conf.task_queues}
    assert {dict(labels)["queue"] for name, labels in samples
            if name == "foxreviews_celery_queue_length"} == queues  # fmt: skip
    assert value(samples, "foxreviews_celery_queue_length", queue="maintenance") == 2
    assert value(samples, "foxreviews_celery_queue_length", queue="imports") == 0


@pytest.mark.django_db(transaction=True)
def test_the_websocket_gauge_goes_up_on_connect_and_down_on_disconnect(client, metrics_on):
    user = make_user("veilleur")
    series = "foxreviews_websocket_connections"
    notifications, admin = (
        {"consumer": "NotificationConsumer"},
        {"consumer": "AdminNotificationsConsumer"},
    )
    headers = [token_header(user)]
    before = scrape(client)
    while_open = {}

    async def scenario() -> None:
        ws, hello = await open_socket("/ws/notifications/", headers=headers)
        assert hello["type"] == "hello"
        while_open.update(await sync_to_async(scrape)(Client()))
        await ws.disconnect()
        # accepted, then closed: not staff (counted while it was open, not after)
        refused, first = await open_socket("/ws/admin/notifications/", headers=headers)
        assert first == {"close": 4403}
        await refused.disconnect()

    async_to_sync(scenario)()
    after = scrape(client)
    assert delta(before, while_open, series, **notifications) == 1
    assert delta(before, after, series, **notifications) == 0
    assert delta(before, after, series, **admin) == 0


@pytest.mark.usefixtures("reference_data")
def test_imported_rows_are_counted_per_kind_once_committed(
    client, metrics_on, db, tmp_path, django_capture_on_commit_callbacks
):
    header = "siret,nom,naf_code,adresse,code_postal,code_commune\n"
    path = tmp_path / "stock.csv"
    path.write_text(header + "".join(
        f"{siret(f'2222222{n}')},Droguerie {n},47.52A,,69002,69382\n" for n in range(3)
    ))  # fmt: skip
    before = scrape(client)
    options = BulkImportOptions(progress=False, rejects_path=tmp_path / "rejects.csv")
    sirene_bulk_import(path=path, options=options)
    dry_run = BulkImportOptions(progress=False, dry_run=True, rejects_path=tmp_path / "r2.csv")
    sirene_bulk_import(path=path, options=dry_run)  # rolled back: not counted
    upload = header + "".join(
        f"{siret(f'3333333{n}')},Serrurerie {n},43.32B,,69002,69382\n" for n in range(2)
    )
    _, status = upload_and_run(
        client_for("pro"), upload.encode(), django_capture_on_commit_callbacks
    )
    assert status["status"] == "success"
    after = scrape(client)
    assert delta(before, after, "foxreviews_import_rows_total", kind="sirene_stock") == 3
    assert delta(before, after, "foxreviews_import_rows_total", kind="csv") == 2


@pytest.mark.django_db
def test_off_by_default_then_refused_to_other_addresses_unless_the_token(client, settings):
    settings.METRICS_ENABLED = False
    response = client.get("/metrics")
    assert response.status_code == 404
    assert json.loads(response.content) == {"message": "Introuvable.", "extra": {}}

    settings.METRICS_ENABLED = True
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "10.8.0.0/16"]
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="10.8.3.4").status_code == 200  # the network
    refused = client.get("/metrics", REMOTE_ADDR="10.9.0.1")
    assert refused.status_code == 403
    assert json.loads(refused.content)["message"] == "Métriques réservées à l'exploitation."
    assert client.get("/metrics", REMOTE_ADDR="10.9.0.1",
                      HTTP_AUTHORIZATION="Bearer ").status_code == 403  # fmt: skip

    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = "jeton-de-supervision"
    assert client.get("/metrics").status_code == 403  # loopback no longer listed
    assert (
        client.get("/metrics", HTTP_AUTHORIZATION="Bearer jeton-de-supervision").status_code == 200
    )
    for wrong in (
        "Bearer jeton-de-supervisio",
        "jeton-de-supervision",
        "Basic jeton-de-supervision",
    ):
        assert client.get("/metrics", HTTP_AUTHORIZATION=wrong).status_code == 403
    assert (
        client.post("/metrics", HTTP_AUTHORIZATION="Bearer jeton-de-supervision").status_code == 405
    )
