"""Ville autocomplete behind two caches, and the popular queries that keep them warm.

A query is normalised first ("Saint-Étienne", "saint etienne", "SAINT-ETIENNE" are one key),
then answered from this process's memory (a TTL cache: no network at all), else from Redis
(shared by every web process), else from PostgreSQL, and stored on the way back. The answer is
kept as the JSON bytes the API sends, so a hit skips the serializer too.

Every query is counted in this process and the counts are added to a Redis sorted set now and
then (one pipelined round trip); a periodic task preloads the most asked queries into Redis and
halves the counts, so the list follows what visitors type this week, not last year.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import structlog
from django.core.cache import cache
from redis.exceptions import RedisError

from foxreviews.core.cache import TwoLevelCache, json_bytes, process_caches, redis_client
from foxreviews.core.text import normalize_search

from .selectors import ville_autocomplete

logger = structlog.get_logger(__name__)

LOCAL_TTL = 60  # seconds a process trusts its own copy (a reload of the communes shows after)
LOCAL_SIZE = 20_000
SHARED_TTL = 24 * 3600
KEY_PREFIX = "villes:autocomplete:"
POPULAR_KEY = "villes:popular"  # a sorted set: query → how often it was asked
COUNT_FLUSH_SECONDS = 30
PRELOAD_COUNT = 2_000

answers = TwoLevelCache(KEY_PREFIX, local_ttl=LOCAL_TTL, shared_ttl=SHARED_TTL, size=LOCAL_SIZE)
_lock = threading.Lock()  # the counts are shared by the web process's threads
_counts: Counter[str] = Counter()
_last_flush = time.monotonic()


@process_caches.register
def counts_forget_local() -> None:
    """Drop the counts this process has not sent to Redis yet."""
    with _lock:
        _counts.clear()


def normalized_query(q: str) -> str:
    q = q.strip()
    return q if q.isdigit() else normalize_search(q)


def autocomplete_json(q: str) -> bytes:
    """The JSON list of villes for `q` (at most 10, bigger communes first)."""
    key = normalized_query(q)
    body = answers.get_or_compute(key, lambda: _render(key))
    _count(key)
    return body


def _render(key: str) -> bytes:
    villes = list(ville_autocomplete(q=key))
    for ville in villes:
        ville["departement"] = ville.pop("departement__nom")  # its name in the API
    return json_bytes(villes)


def _count(key: str) -> None:
    with _lock:
        _counts[key] += 1
        due = time.monotonic() - _last_flush >= COUNT_FLUSH_SECONDS
    if due:
        counts_flush()


def counts_flush() -> None:
    """Add this process's counts to the shared popularity set now (lost, with a warning, when
    Redis is out of reach: the answer matters more than the count)."""
    global _last_flush
    with _lock:
        counts, _last_flush = dict(_counts), time.monotonic()
        _counts.clear()
    try:
        popular_counts_add(counts)
    except RedisError as exc:
        logger.warning("autocomplete counts not sent", queries=len(counts), error=str(exc))


def popular_counts_add(counts: dict[str, int]) -> None:
    """Add query counts to the shared popularity set (one round trip)."""
    if not counts:
        return
    pipe = redis_client().pipeline(transaction=False)
    for key, n in counts.items():
        pipe.zincrby(cache.make_key(POPULAR_KEY), n, key)
    pipe.execute()


def popular_queries(limit: int = PRELOAD_COUNT) -> list[str]:
    return [k.decode() for k in redis_client().zrevrange(cache.make_key(POPULAR_KEY), 0, limit - 1)]


def popular_preload(limit: int = PRELOAD_COUNT) -> int:
    """Answer the most asked queries again into Redis, then halve every count (a decay)."""
    keys = popular_queries(limit)
    for key in keys:
        answers.put(key, _render(key))
    popular, pipe = cache.make_key(POPULAR_KEY), redis_client().pipeline(transaction=False)
    for key, score in redis_client().zrange(popular, 0, -1, withscores=True):
        if score < 2:
            pipe.zrem(popular, key)
        else:
            pipe.zadd(popular, {key: score / 2})
    pipe.execute()
    return len(keys)


def autocomplete_cache_clear() -> None:
    """Forget every cached answer (after the communes were reloaded)."""
    answers.clear()
