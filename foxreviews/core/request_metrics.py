"""The API's requests per minute and their latency, for the admin dashboard (its middleware times
each request once and also feeds the Prometheus series of core/metrics.py): each process counts
in memory (a count and a latency histogram per minute) and adds its counts to Redis at most once
a second in one pipeline; Redis keeps a hash per minute for two hours.

The histogram's buckets grow by 10 % from 1 ms (about 120 up to a minute), so a percentile read
from it is within 10 % of the true one, whatever the traffic: memory and cost per request stay
bounded (a dict increment under a lock; one Redis round trip per process per second)."""

from __future__ import annotations

import functools
import math
import threading
import time
from collections import Counter
from collections.abc import Callable

import redis
import structlog
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from . import metrics
from .cache import process_caches

logger = structlog.get_logger(__name__)

GROWTH = 1.1  # each latency bucket's upper bound is 10 % above the previous one's
LAST_BUCKET = math.ceil(math.log(60_000) / math.log(GROWTH))  # a minute and more
KEEP_SECONDS = 2 * 3600
FLUSH_EVERY = 1.0  # seconds between two additions of a process's counts to Redis
COUNTED_PREFIX = "/api/"


REDIS_TIMEOUT = 0.5  # seconds: a stalled Redis delays the one request that flushes, no more


@functools.cache
def redis_client() -> redis.Redis:
    """The cache's Redis database, with short timeouts and no retry (the flush runs in a
    request: a lost second of counts is a gap in a chart, a slow request is not)."""
    return redis.Redis.from_url(
        settings.CACHES["default"]["LOCATION"],
        socket_timeout=REDIS_TIMEOUT,
        socket_connect_timeout=REDIS_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )


process_caches.register(redis_client.cache_clear)


def bucket_of(milliseconds: float) -> int:
    """The histogram bucket of a latency: bucket b holds (GROWTH**(b-1), GROWTH**b] ms."""
    if milliseconds <= 1:
        return 0
    return min(LAST_BUCKET, math.ceil(math.log(milliseconds) / math.log(GROWTH)))


def bucket_upper_ms(bucket: int) -> float:
    return GROWTH**bucket


def minute_key(minute: int) -> str:
    return cache.make_key(f"metrics:api:{minute}")


class MinuteCounts:
    """This process's counts not yet in Redis: {minute: Counter({"n": requests, bucket: n})}."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[int, Counter] = {}
        self._flushed_at = time.monotonic()

    def record(self, *, at: float, milliseconds: float) -> None:
        minute = int(at // 60)
        with self._lock:
            counts = self._pending.get(minute)
            if counts is None:
                counts = self._pending[minute] = Counter()
            counts["n"] += 1
            counts[bucket_of(milliseconds)] += 1

    def flush_due(self) -> bool:
        return time.monotonic() - self._flushed_at >= FLUSH_EVERY

    def flush(self) -> None:
        """Add the pending counts to Redis; with Redis out of reach they are dropped (a gap in
        a chart, never a failed request)."""
        with self._lock:
            pending, self._pending = self._pending, {}
            self._flushed_at = time.monotonic()
        if not pending:
            return
        try:
            pipe = redis_client().pipeline(transaction=False)
            for minute, counts in pending.items():
                key = minute_key(minute)
                for field, value in counts.items():
                    pipe.hincrby(key, str(field), value)
                pipe.expire(key, KEEP_SECONDS)
            pipe.execute()
        except RedisError as exc:
            logger.warning("API request metrics not recorded", error=str(exc)[:200])


counts = MinuteCounts()


class RequestMetricsMiddleware:
    """Outermost: times each request once and feeds both readers of that figure: the
    dashboard's per-minute counts (requests under /api/) and, when METRICS_ENABLED, the
    Prometheus series of every request (in-process or mmap writes; no round trip). The SSE
    stream is served outside Django."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        prometheus = metrics.enabled()
        counted = request.path.startswith(COUNTED_PREFIX)
        if not (counted or prometheus):
            if counts.flush_due():
                counts.flush()
            return self.get_response(request)
        started = time.perf_counter()
        status = 500  # what Django answers for an exception that escapes its handlers
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            seconds = time.perf_counter() - started
            if counted:
                counts.record(at=time.time(), milliseconds=seconds * 1000)
            if prometheus:
                metrics.observe_request(request, status, seconds)
            if counts.flush_due():
                counts.flush()


def percentile_ms(histogram: dict[int, int], fraction: float) -> float | None:
    """The upper bound of the bucket holding the `fraction` quantile (None without requests)."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = math.ceil(fraction * total)
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return round(bucket_upper_ms(bucket), 1)
    return round(bucket_upper_ms(max(histogram)), 1)  # not reached: the ranks add up


def api_minutes(*, minutes: int = 60, now: float | None = None) -> list[dict]:
    """The last `minutes` minutes, oldest first (the current one included, as far as it went):
    `{"minute": epoch seconds, "requests": n, "p95_ms": float | None}`, in one round trip.
    This process's own pending counts go first."""
    counts.flush()
    last = int((now if now is not None else time.time()) // 60)
    wanted = range(last - minutes + 1, last + 1)
    pipe = redis_client().pipeline(transaction=False)
    for minute in wanted:
        pipe.hgetall(minute_key(minute))
    rows = []
    for minute, raw in zip(wanted, pipe.execute(), strict=True):
        fields = {k.decode(): int(v) for k, v in raw.items()}
        histogram = {int(k): v for k, v in fields.items() if k != "n"}
        rows.append(
            {
                "minute": minute * 60,
                "requests": fields.get("n", 0),
                "p95_ms": percentile_ms(histogram, 0.95),
            }
        )
    return rows
