"""API rate limits per visitor, counted in Redis so that every web process shares them.

DRF's own throttles keep each client's request history as a pickled list in the cache (a read
and a write of up to `rate` timestamps per request); these use the `limits` library's sliding
window counter instead: one atomic Redis script per batch of requests, whatever the rate.
Over the limit, DRF answers 429 with `Retry-After`. If Redis cannot be reached the request goes
through (a limit must not take the API down with it) and a warning is logged.

To spare a round trip to Redis on every request, each web process counts a client's requests
itself and tells Redis in batches: at the client's first request, then every twentieth of the
rate (every request for rates under 40) or after a second, whichever comes first. A client
refused by Redis is refused locally until its window resets, without asking again. What that
costs in exactness: a client may get up to one batch per web process beyond its rate in a
window, or be refused up to one batch early.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from dataclasses import dataclass

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
    """One client's requests this process has not reported yet."""

    pending: int = 0
    synced_at: float = 0.0
    blocked_until: float = 0.0


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
            tally.pending += 1
            if tally.pending < batch and now - tally.synced_at < SYNC_SECONDS:
                return True
            cost, tally.pending, tally.synced_at = tally.pending, 0, now
        limiter = shared_limiter(settings.API_THROTTLE_STORAGE_URL, settings.RATE_LIMIT_KEY_PREFIX)
        try:
            if limiter.hit(item, self.scope, key, cost=cost):
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
