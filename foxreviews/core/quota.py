"""One request quota for the whole cluster: every process takes a permit from the same moving
window in Redis (the `limits` library) before it calls an outside service (INSEE, an AI API).

The window may be kept `margin_seconds` longer than the service's, because a request reaches the
service some time after its permit; without Redis no request is sent (it fails closed).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.conf import settings
from limits import RateLimitItem, RateLimitItemPerSecond, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from .exceptions import ApplicationError


def parse_rate(rate: str, *, setting: str) -> RateLimitItem:
    """`30/minute` as a `limits` item; a clear error naming the setting otherwise."""
    try:
        return parse(rate)
    except ValueError as exc:
        raise ApplicationError(
            f"{setting} : {rate!r} n'est pas un débit (écrivez-le 30/minute)."
        ) from exc


class SharedQuota:
    """`rate` permits per window for `key` in `namespace`, counted in Redis for every process."""

    def __init__(
        self,
        *,
        storage_url: str,
        rate: str,
        namespace: str,
        key: str,
        setting: str,
        margin_seconds: int = 0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        quota = parse_rate(rate, setting=setting)
        self.item: RateLimitItem = RateLimitItemPerSecond(
            quota.amount, quota.get_expiry() + margin_seconds
        )
        self.limiter = MovingWindowRateLimiter(
            storage_from_string(storage_url, key_prefix=settings.RATE_LIMIT_KEY_PREFIX)
        )
        self.namespace, self.key, self.sleep = namespace, key, sleep

    def try_acquire(self) -> bool:
        """A permit now, or False when the window is full (nothing waits)."""
        return self.limiter.hit(self.item, self.namespace, self.key)

    def seconds_to_next(self) -> float:
        reset_at = self.limiter.get_window_stats(self.item, self.namespace, self.key).reset_time
        return max(0.0, reset_at - time.time())

    def acquire(self, *, max_wait: float | None = None) -> float | None:
        """Block until a permit is ours; returns the seconds waited, or None when the next
        permit is further than `max_wait` seconds away (no permit taken)."""
        waited = 0.0
        while not self.try_acquire():
            # a little jitter: the workers that wait for the same slot do not all wake at once
            pause = max(0.01, self.seconds_to_next()) + random.uniform(0, 0.05)
            if max_wait is not None and waited + pause > max_wait:
                return None
            self.sleep(pause)
            waited += pause
        return waited

    def clear(self) -> None:
        self.limiter.clear(self.item, self.namespace, self.key)
