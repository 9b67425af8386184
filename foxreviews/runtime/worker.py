"""The Celery worker with its Prometheus series: `python -m foxreviews.runtime.worker ARGS` runs
`celery -A config worker ARGS`; with METRICS_ENABLED its pool's processes count in a folder of
their own (unless a launcher gave one), and with METRICS_WORKER_PORT the main process serves
their sums at /metrics on that port, to the same readers as the web's /metrics.

For a worker in a container of its own (deploy/compose.yaml), whose tasks and imported rows no
web process sees; `foxreviews up` runs celery itself and sums everything in the web's /metrics."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from wsgiref.simple_server import WSGIRequestHandler, make_server

from .metrics_dir import private_dir_unless_given

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("FOXREVIEWS_PROCESS", "worker")
    from django.conf import settings  # the settings only: nothing imports prometheus-client yet

    with contextlib.ExitStack() as stack:
        if settings.METRICS_ENABLED:
            stack.enter_context(private_dir_unless_given(prefix="worker-"))
            signal.signal(signal.SIGTERM, _exit_on_signal)  # unwinds: the folder is removed
            if settings.METRICS_WORKER_PORT:
                from celery.signals import worker_ready

                worker_ready.connect(_serve_metrics, weak=False)
        from celery.bin.celery import main as celery

        sys.argv = ["celery", "-A", "config", "worker", *sys.argv[1:]]
        celery()


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _serve_metrics(**kwargs) -> None:
    """In the worker's main process once its pool runs: a thread serving /metrics."""
    from django.conf import settings
    from prometheus_client import CollectorRegistry, make_wsgi_app
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    server = make_server(
        settings.METRICS_WORKER_ADDRESS,
        settings.METRICS_WORKER_PORT,
        guarded(make_wsgi_app(registry)),
        handler_class=_QuietHandler,
    )
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()


def guarded(app: WsgiApp) -> WsgiApp:
    """/metrics only, GET only, to the readers METRICS_ALLOWED_IPS or METRICS_TOKEN admit."""
    from foxreviews.core.metrics import reader_allowed

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/metrics":
            return _json(start_response, "404 Not Found", "Introuvable.")
        if environ.get("REQUEST_METHOD") != "GET":
            return _json(start_response, "405 Method Not Allowed", "GET seulement.")
        if not reader_allowed(
            address=environ.get("REMOTE_ADDR", ""),
            authorization=environ.get("HTTP_AUTHORIZATION", ""),
        ):
            return _json(start_response, "403 Forbidden", "Métriques réservées à l'exploitation.")
        return app(environ, start_response)

    return application


def _json(start_response: Callable, status: str, message: str) -> list[bytes]:
    body = json.dumps({"message": message, "extra": {}}).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass  # a scrape every 15 s is not worth a line in the worker's log


if __name__ == "__main__":
    main()
