"""Caches: this process's own (registered in `process_caches`, emptied in one call) and the
two-level cache of rendered answers (this process's memory, then Redis, then the computation).

A rendered answer is the bytes a view sends, so a hit skips the query and the serializer. A
process trusts its own copy for `local_ttl` seconds: `clear()` empties Redis and this process at
once, the other processes within `local_ttl`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any

import redis
import structlog
from cachetools import TTLCache
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from redis.exceptions import RedisError

logger = structlog.get_logger(__name__)


class ProcessCaches:
    """Every cache a process keeps in its memory, by the function that empties it: tests start
    each case from empty caches with one `reset()`."""

    def __init__(self) -> None:
        self._resets: list[Callable[[], None]] = []

    def register(self, reset: Callable[[], None]) -> Callable[[], None]:
        self._resets.append(reset)
        return reset

    def reset(self) -> None:
        for reset in self._resets:
            reset()


process_caches = ProcessCaches()


def json_bytes(data: Any) -> bytes:
    """What a cached JSON answer holds: the body as sent (dates in ISO 8601, accents as is)."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


@functools.cache
def redis_client() -> redis.Redis:
    """A client of the cache's Redis database, for what Django's cache API does not offer
    (SCAN, sorted sets); keys are named with `cache.make_key()`, as the cache names its own."""
    return redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])


process_caches.register(redis_client.cache_clear)  # a test may point the cache elsewhere


class TwoLevelCache:
    def __init__(self, prefix: str, *, local_ttl: int, shared_ttl: int, size: int) -> None:
        self.prefix = prefix
        self.shared_ttl = shared_ttl
        self._local: TTLCache[str, bytes] = TTLCache(maxsize=size, ttl=local_ttl)
        self._lock = threading.Lock()  # cachetools' caches are not thread-safe
        process_caches.register(self.forget_local)

    def shared_key(self, key: str) -> str:
        """Redis key: a digest, since a key may hold any character."""
        return self.prefix + hashlib.blake2b(key.encode(), digest_size=16).hexdigest()

    def get_or_compute(self, key: str, compute: Callable[[], bytes]) -> bytes:
        """This process's copy, else Redis's, else `compute()` (stored in both). Redis out of
        reach: the answer is computed, with a warning, and kept in this process only."""
        with self._lock:
            body = self._local.get(key)
        if body is None:
            try:
                body = cache.get(self.shared_key(key))
                if body is None:
                    body = compute()
                    cache.set(self.shared_key(key), body, self.shared_ttl)
            except RedisError as exc:
                logger.warning("cache unreachable, answer computed", key=key, error=str(exc))
                body = compute() if body is None else body
            with self._lock:
                self._local[key] = body
        return body

    def put(self, key: str, body: bytes) -> None:
        """Store a freshly computed answer in Redis (a preload); processes see it on a miss."""
        cache.set(self.shared_key(key), body, self.shared_ttl)

    def forget_local(self) -> None:
        with self._lock:
            self._local.clear()

    def clear(self) -> None:
        """Every answer gone from Redis and from this process."""
        self.forget_local()
        client = redis_client()
        for key in client.scan_iter(match=cache.make_key(self.prefix + "*"), count=1000):
            client.delete(key)
