"""API rate limits per visitor, counted in Redis so that every web process shares them.

DRF's own throttles keep each client's request history as a pickled list in the cache (a read
and a write of up to `rate` timestamps per request); these use the `limits` library's sliding
window counter instead: one atomic Redis script per reservation, whatever the rate.
Over the limit, DRF answers 429 with `Retry-After`. If Redis cannot be reached the request goes
through (a limit must not take the API down with it) and a warning is logged.

A request is admitted only on a permit already counted in Redis, so no number of web processes
lets a client past its rate. Asking Redis at every request was measured side by side with
this (bench/api_bench.py, in bench/RESULTS.md): it cost the villes autocomplete much of its
throughput. So a process reserves a client's permits a few at a time: as many as that client
sent to this process in the last second (at least one, at most a twentieth of the rate), one
reservation at a time per client (concurrent requests wait for it and share it); Redis refusing
that many, the process asks for one. Permits left unused after a second are dropped: a client
may be refused early, never admitted beyond its rate. A client Redis refused is refused here,
without asking again, until Redis says a permit frees up.
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


BATCH_SHARE = 20  # a reservation is at most this fraction of the rate
PERMIT_SECONDS = 1.0  # reserved permits unused after this are dropped; also the demand's span


@dataclass(slots=True)
class _Client:
    """What this process holds of one client's limit: permits reserved in Redis and not used
    yet, a refusal still in force, and the client's recent requests here (its demand)."""

    ceiling: int  # the largest reservation
    permits: int = 0
    permits_until: float = 0.0
    blocked_until: float = 0.0
    # requests in this second (since `second_at`) and in the one before
    second_at: float = 0.0
    this_second: int = 0
    last_second: int = 0
    reserving: threading.Lock = field(default_factory=threading.Lock)

    def arrive(self, now: float) -> None:
        if now - self.second_at >= PERMIT_SECONDS:
            recent = now - self.second_at < 2 * PERMIT_SECONDS
            self.last_second = self.this_second if recent else 0
            self.this_second, self.second_at = 0, now
        self.this_second += 1

    def demand(self, now: float) -> int:
        """Requests in the last second, this one included (the second before weighted by its
        share of that second, as the sliding window counter does), within 1..ceiling."""
        before = self.last_second * max(0.0, 1 - (now - self.second_at) / PERMIT_SECONDS)
        return min(self.ceiling, max(1, self.this_second + int(before)))

    def decide(self, now: float) -> bool | None:
        """True: a reserved permit taken; False: refused; None: ask Redis."""
        if self.blocked_until > now:
            return False
        if self.permits > 0 and now < self.permits_until:
            self.permits -= 1
            return True
        return None


# the lock guards every _Client's fields but `reserving`; a client's reservation runs under
# its own `reserving`, outside this lock, so one client's round trip to Redis blocks no other
_clients: TTLCache = TTLCache(maxsize=100_000, ttl=3600)
_clients_lock = threading.Lock()


@process_caches.register
def forget_local_counts() -> None:
    with _clients_lock:
        _clients.clear()


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
        item = _rate(rate)
        now = time.time()
        with _clients_lock:
            client = _clients.get((self.scope, rate, key))
            if client is None:
                client = _Client(ceiling=max(1, item.amount // BATCH_SHARE))
                _clients[(self.scope, rate, key)] = client
            client.arrive(now)
            decided = client.decide(now)
        if decided is None:
            with client.reserving:  # one reservation at a time; the others wait and share it
                now = time.time()
                with _clients_lock:
                    decided, size = client.decide(now), client.demand(now)
                if decided is None:
                    decided = self._reserve(client, item, key, size, now)
        return decided or self._refuse(client.blocked_until)

    def _reserve(
        self, client: _Client, item: RateLimitItem, key: str, size: int, now: float
    ) -> bool:
        """`size` permits from Redis, else one; this request takes one of them."""
        limiter = shared_limiter(settings.API_THROTTLE_STORAGE_URL, settings.RATE_LIMIT_KEY_PREFIX)
        try:
            for cost in dict.fromkeys((size, 1)):
                if limiter.hit(item, self.scope, key, cost=cost):
                    with _clients_lock:  # valid from before the round trip: never longer
                        client.permits, client.permits_until = cost - 1, now + PERMIT_SECONDS
                    return True
            reset_at = limiter.get_window_stats(item, self.scope, key).reset_time
        except (RedisError, ConfigurationError, OSError) as exc:
            logger.warning("rate limit not checked", scope=self.scope, error=str(exc))
            return True
        with _clients_lock:
            client.blocked_until = reset_at
        # once per client and process while it stays over (Django's line for each 429 is dropped)
        logger.warning("rate limit reached", scope=self.scope, client=key, until=round(reset_at))
        return False

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
