"""API rate limits per visitor, counted in Redis so that every web process shares them.

DRF's own throttles keep each client's request history as a pickled list in the cache (a read
and a write of up to `rate` timestamps per request); these use the `limits` library's sliding
window counter instead: one atomic Redis script per request, whatever the rate. Over the
limit, DRF answers 429 with `Retry-After`. If Redis cannot be reached the request goes through
(a limit must not take the API down with it) and a warning is logged.
"""

from __future__ import annotations

import functools
import math
import time

import structlog
from django.conf import settings
from limits import RateLimitItem, parse
from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

logger = structlog.get_logger(__name__)


@functools.cache
def _limiter(url: str) -> SlidingWindowCounterRateLimiter:
    return SlidingWindowCounterRateLimiter(storage_from_string(url))


@functools.cache
def _rate(text: str) -> RateLimitItem:
    return parse(text)


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
        limiter, item = _limiter(settings.API_THROTTLE_STORAGE_URL), _rate(rate)
        try:
            if limiter.hit(item, self.scope, key):
                return True
            reset_at = limiter.get_window_stats(item, self.scope, key).reset_time
        except (RedisError, ConfigurationError, OSError) as exc:
            logger.warning("rate limit not checked", scope=self.scope, error=str(exc))
            return True
        self.retry_after = max(1, math.ceil(reset_at - time.time()))
        return False

    def wait(self) -> float:
        return self.retry_after


class AnonymousRateThrottle(RateThrottle):
    """Visitors without an account, by address (X-Forwarded-For behind NUM_PROXIES proxies)."""

    scope = "anon"

    def key(self, request: Request) -> str | None:
        return None if request.user.is_authenticated else self.get_ident(request)


class UserRateThrottle(RateThrottle):
    """Signed-in users, by account, whatever address they come from."""

    scope = "user"

    def key(self, request: Request) -> str | None:
        return str(request.user.pk) if request.user.is_authenticated else None
