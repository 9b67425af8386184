"""API rate limits per visitor, counted in Redis so that every web process shares them.

DRF's own throttles keep each client's request history as a pickled list in the cache (a read
and a write of up to `rate` timestamps per request); these use the `limits` library's sliding
window counter instead: one atomic Redis script per batch of requests, whatever the rate.
Over the limit, DRF answers 429 with `Retry-After`. If Redis cannot be reached the request goes
through (a limit must not take the API down with it) and a warning is logged.

To spare a round trip to Redis on every request, a web process reserves a client's permits in
Redis a batch at a time (a twentieth of the rate; one for rates under 40) and admits that many
requests without asking again, for a second at most. Every admitted request was counted in
Redis before it was admitted, so no number of web processes lets a client past its rate; what
batching costs is the other way: permits a process reserved and did not use in that second
are lost, so a client may be refused up to a batch per process early. A client Redis refused is
refused locally until its window resets, without asking again.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from dataclasses import dataclass, field

import structlog
from cachetools import TTLCache
from django.conf import settings
from limits import RateLimitItem, parse
from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from foxreviews.core.cache import process_caches

logger = structlog.get_logger(__name__)


@functools.cache
def shared_limiter(url: str, key_prefix: str) -> SlidingWindowCounterRateLimiter:
    return SlidingWindowCounterRateLimiter(storage_from_string(url, key_prefix=key_prefix))


@functools.cache
def _rate(text: str) -> RateLimitItem:
    return parse(text)


BATCH_SHARE = 20  # a batch is this fraction of the rate
SYNC_SECONDS = 1.0  # and never older than this


@dataclass
class _Tally:
    """One client's permits this process reserved in Redis and has not used yet."""

    permits: int = 0
    reserved_at: float = 0.0
    blocked_until: float = 0.0
    # one reservation at a time: concurrent requests wait for it instead of each reserving a
    # batch (which would spend the client's rate on permits nobody uses)
    reserving: threading.Lock = field(default_factory=threading.Lock)

    def take(self, now: float) -> bool:
        """Use a reserved permit, if one is left and still fresh (call under _tallies_lock)."""
        if self.permits > 0 and now - self.reserved_at < SYNC_SECONDS:
            self.permits -= 1
            return True
        return False


_tallies: TTLCache = TTLCache(maxsize=100_000, ttl=3600)
_tallies_lock = threading.Lock()


@process_caches.register
def forget_local_counts() -> None:
    with _tallies_lock:
        _tallies.clear()


class RateThrottle(BaseThrottle):
    scope = ""

    def key(self, request: Request) -> str | None:
        """Who is counted; None: this throttle does not apply."""
        raise NotImplementedError

    def allow_request(self, request: Request, view) -> bool:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # read now: tests change it
        key = self.key(request) if rate else None
        if key is None:
            return True
        item, now = _rate(rate), time.time()
        batch = max(1, item.amount // BATCH_SHARE)
        with _tallies_lock:
            tally = _tallies.setdefault((self.scope, rate, key), _Tally())
            if tally.blocked_until > now:
                return self._refuse(tally.blocked_until)
            if tally.take(now):
                return True
        with tally.reserving:
            now = time.time()
            with _tallies_lock:  # another request may have reserved meanwhile
                if tally.blocked_until > now:
                    return self._refuse(tally.blocked_until)
                if tally.take(now):
                    return True
            return self._reserve(tally, item, key, batch, now)

    def _reserve(self, tally: _Tally, item: RateLimitItem, key: str, batch: int, now: float):
        """A batch of permits from Redis, else the last ones one by one; this request takes
        one of them."""
        limiter = shared_limiter(settings.API_THROTTLE_STORAGE_URL, settings.RATE_LIMIT_KEY_PREFIX)
        try:
            for cost in dict.fromkeys((batch, 1)):
                if limiter.hit(item, self.scope, key, cost=cost):
                    with _tallies_lock:
                        tally.permits, tally.reserved_at = cost - 1, now
                    return True
            reset_at = limiter.get_window_stats(item, self.scope, key).reset_time
        except (RedisError, ConfigurationError, OSError) as exc:
            logger.warning("rate limit not checked", scope=self.scope, error=str(exc))
            return True
        with _tallies_lock:
            tally.blocked_until = reset_at
        return self._refuse(reset_at)

    def _refuse(self, reset_at: float) -> bool:
        self.retry_after = max(1, math.ceil(reset_at - time.time()))
        return False

    def wait(self) -> float:
        return self.retry_after


class AnonymousRateThrottle(RateThrottle):
    """Visitors without an account, by address (behind a proxy: the one its trusted
    X-Forwarded-For names, WEB_FORWARDED_ALLOW_IPS)."""

    scope = "anon"

    def key(self, request: Request) -> str | None:
        return None if request.user.is_authenticated else self.get_ident(request)


class UserRateThrottle(RateThrottle):
    """Signed-in users, by account, whatever address they come from."""

    scope = "user"

    def key(self, request: Request) -> str | None:
        return str(request.user.pk) if request.user.is_authenticated else None
