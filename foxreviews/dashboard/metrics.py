"""GET /metrics: the Prometheus series of every process (core/metrics.py; summed over the
processes in multiprocess mode) and the Celery queues' lengths, read from the broker at scrape
time by the dashboard's own reader. Off unless METRICS_ENABLED (404), and only for the allowed
addresses or the bearer token (403). It lives here, above core, because it reuses that reader."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client import multiprocess as prometheus_multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from foxreviews.core.metrics import multiprocess_mode, reader_allowed

from .selectors import queues


class QueueLengths(Collector):
    """Messages waiting in each Celery queue, asked of the broker when scraped (a queue the
    broker did not answer for is left out)."""

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "foxreviews_celery_queue_length",
            "Messages waiting in a Celery queue (the broker's count, read at scrape time).",
            labels=["queue"],
        )
        for queue in queues():
            if queue["waiting"] is not None:
                family.add_metric([queue["name"]], queue["waiting"])
        yield family


def client_allowed(request: HttpRequest) -> bool:
    return reader_allowed(
        address=request.META.get("REMOTE_ADDR") or "",
        authorization=request.headers.get("Authorization", ""),
    )


def exposition() -> bytes:
    """Every series in the text format: the processes' own (from their mmap files in
    multiprocess mode), then the queues'."""
    if multiprocess_mode():
        processes = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(processes)
        own = generate_latest(processes)
    else:
        own = generate_latest(REGISTRY)
    scraped = CollectorRegistry()
    scraped.register(QueueLengths())
    return own + generate_latest(scraped)


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_ENABLED:
        return JsonResponse({"message": "Introuvable.", "extra": {}}, status=404)
    if not client_allowed(request):
        return JsonResponse(
            {"message": "Métriques réservées à l'exploitation.", "extra": {}}, status=403
        )
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
