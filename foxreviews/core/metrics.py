"""The platform's Prometheus series (prometheus-client): what each process counts in memory, or in
its mmap files under PROMETHEUS_MULTIPROC_DIR when several processes serve (multiprocess mode),
and the Celery signal receivers that count the tasks. /metrics (dashboard/metrics.py) reads them.

prometheus-client chooses its mode when it is first imported: the launcher (`foxreviews up`,
foxreviews.runtime.web) sets PROMETHEUS_MULTIPROC_DIR before any process imports this module."""

from __future__ import annotations

import atexit
import functools
import hmac
import ipaddress
import os
import time

from celery.signals import (
    task_failure,
    task_postrun,
    task_prerun,
    task_retry,
    worker_process_shutdown,
)
from django.conf import settings
from django.http import HttpRequest
from prometheus_client import Counter, Gauge, Histogram, multiprocess

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "<unmatched>"  # no URL pattern: one label, whatever the path (bounded cardinality)
STATIC = "<static>"  # served by WhiteNoise before URL resolution
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# seconds; finer below 10 ms, where /health/live/ and the cached API answers are
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600)

http_request_duration = Histogram(
    "foxreviews_http_request_duration_seconds",
    "Time to answer an HTTP request, per route (the URL pattern) and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
http_responses = Counter(
    "foxreviews_http_responses",
    "HTTP responses per route (the URL pattern), method and status code.",
    ["route", "method", "status"],
)
celery_tasks_started = Counter(
    "foxreviews_celery_tasks_started", "Celery tasks started, per task name.", ["task"]
)
celery_tasks_finished = Counter(
    "foxreviews_celery_tasks_finished",
    "Celery tasks ended, per task name and final state (SUCCESS, FAILURE, RETRY...).",
    ["task", "state"],
)
celery_task_failures = Counter(
    "foxreviews_celery_task_failures",
    "Celery tasks that raised, per task name and exception class.",
    ["task", "exception"],
)
celery_task_retries = Counter(
    "foxreviews_celery_task_retries", "Celery task retries asked, per task name.", ["task"]
)
celery_task_duration = Histogram(
    "foxreviews_celery_task_duration_seconds",
    "Time a Celery task ran, per task name.",
    ["task"],
    buckets=TASK_BUCKETS,
)
websocket_connections = Gauge(
    "foxreviews_websocket_connections",
    "Websocket connections open now, per consumer (summed over the live web processes).",
    ["consumer"],
    multiprocess_mode="livesum",
)
sse_streams = Gauge(
    "foxreviews_sse_streams",
    "Server-Sent Events streams open now (summed over the live web processes).",
    multiprocess_mode="livesum",
)
import_rows = Counter(
    "foxreviews_import_rows",
    "Rows imported (committed chunks), per import kind: rate() gives rows per second.",
    ["kind"],
)


def enabled() -> bool:
    return settings.METRICS_ENABLED


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


# -- who may read the series (the web's /metrics and the worker's) ------------------------------
@functools.cache
def _networks(
    allowed: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in allowed)


def reader_allowed(*, address: str, authorization: str) -> bool:
    """The connection's address in METRICS_ALLOWED_IPS (addresses or networks), or the header
    `Authorization: Bearer <METRICS_TOKEN>` when a token is set."""
    token = settings.METRICS_TOKEN
    if token and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return True
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in network for network in _networks(tuple(settings.METRICS_ALLOWED_IPS)))


def route_of(request: HttpRequest) -> str:
    """The URL pattern that served the request ("/api/villes/<int:pk>/"), never the raw path."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return "/" + match.route
    if request.path.startswith(settings.STATIC_URL):
        return STATIC
    return UNMATCHED


def observe_request(request: HttpRequest, status: int, seconds: float) -> None:
    """One answered request (a dict lookup and a few mmap writes: no I/O)."""
    method = request.method if request.method in METHODS else "other"  # a client's invention
    route = route_of(request)
    http_request_duration.labels(route, method).observe(seconds)
    http_responses.labels(route, method, str(status)).inc()


def count_imported_rows(*, kind: str, rows: int) -> None:
    if rows > 0 and enabled():
        import_rows.labels(kind).inc(rows)


# -- Celery: counted in the process that runs the task (a prefork child, or eagerly) ------------
# task id -> perf_counter at each task_prerun not yet ended: a retry run eagerly (a retry's
# apply_async under task_always_eager) starts again under the same id inside the first run
_task_started: dict[str, list[float]] = {}


def _task_name(sender, task) -> str:
    return getattr(task or sender, "name", None) or "<unknown>"


@task_prerun.connect(dispatch_uid="foxreviews.metrics.prerun")
def _task_prerun(task_id=None, task=None, sender=None, **kwargs) -> None:
    if enabled():
        _task_started.setdefault(task_id, []).append(time.perf_counter())
        celery_tasks_started.labels(_task_name(sender, task)).inc()


@task_postrun.connect(dispatch_uid="foxreviews.metrics.postrun")
def _task_postrun(task_id=None, task=None, sender=None, state=None, **kwargs) -> None:
    runs = _task_started.get(task_id)
    if not runs:
        return
    started = runs.pop()
    if not runs:
        del _task_started[task_id]
    name = _task_name(sender, task)
    celery_task_duration.labels(name).observe(time.perf_counter() - started)
    celery_tasks_finished.labels(name, state or "UNKNOWN").inc()


@task_failure.connect(dispatch_uid="foxreviews.metrics.failure")
def _task_failure(sender=None, exception=None, **kwargs) -> None:
    if enabled():
        celery_task_failures.labels(_task_name(sender, None), type(exception).__name__).inc()


@task_retry.connect(dispatch_uid="foxreviews.metrics.retry")
def _task_retry(sender=None, **kwargs) -> None:
    if enabled():
        celery_task_retries.labels(_task_name(sender, None)).inc()


@worker_process_shutdown.connect(dispatch_uid="foxreviews.metrics.worker_exit")
def _worker_process_exit(pid=None, **kwargs) -> None:
    """A prefork child ends (billiard exits it without atexit): its live gauges go."""
    if multiprocess_mode():
        multiprocess.mark_process_dead(pid or os.getpid())


def mark_this_process_dead_at_exit() -> None:
    """A web worker's live gauges leave the sums when it exits (uvicorn gives no hook; its
    workers are spawned processes, which run atexit)."""
    if multiprocess_mode():
        atexit.register(multiprocess.mark_process_dead, os.getpid())
