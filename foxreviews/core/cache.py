"""A two-level cache for rendered answers: this process's memory (no network at all), then
Redis (shared by every web process), then the function that computes the answer.

Values are the bytes a view sends, so a hit skips the query and the serializer. A process
trusts its own copy for `local_ttl` seconds: `clear()` empties Redis and this process at once,
the other processes within `local_ttl`.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any

from cachetools import TTLCache
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder


def json_bytes(data: Any) -> bytes:
    """What a cached JSON answer holds: the body as sent (dates in ISO 8601, accents as is)."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def redis_client():
    """The cache's own redis-py client, for what Django's cache API does not offer (SCAN,
    sorted sets)."""
    return cache._cache.get_client(write=True)


class TwoLevelCache:
    def __init__(self, prefix: str, *, local_ttl: int, shared_ttl: int, size: int) -> None:
        self.prefix = prefix
        self.shared_ttl = shared_ttl
        self._local: TTLCache[str, bytes] = TTLCache(maxsize=size, ttl=local_ttl)
        self._lock = threading.Lock()  # cachetools' caches are not thread-safe

    def shared_key(self, key: str) -> str:
        """Redis key: a digest, since a key may hold any character."""
        return self.prefix + hashlib.blake2b(key.encode(), digest_size=16).hexdigest()

    def get_or_compute(self, key: str, compute: Callable[[], bytes]) -> bytes:
        with self._lock:
            body = self._local.get(key)
        if body is None:
            body = cache.get(self.shared_key(key))
            if body is None:
                body = compute()
                cache.set(self.shared_key(key), body, self.shared_ttl)
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
