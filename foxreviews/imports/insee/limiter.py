"""One INSEE request quota for the whole cluster: every process takes a permit from the same
moving window in Redis (the `limits` library) before it sends.

The window is kept `margin_seconds` longer than INSEE's because a request reaches INSEE some
time after its permit; without Redis no request is sent (it fails closed).
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable

from django.conf import settings
from limits import RateLimitItem, RateLimitItemPerSecond, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from foxreviews.core.exceptions import ApplicationError

NAMESPACE = "insee-api"


class QuotaLimiter:
    def __init__(
        self,
        *,
        storage_url: str,
        rate: str,
        api_key: str,
        margin_seconds: int = 0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        try:
            quota = parse(rate)
        except ValueError as exc:
            raise ApplicationError(
                f"INSEE_API_RATE : {rate!r} n'est pas un débit (écrivez-le 30/minute)."
            ) from exc
        self.item: RateLimitItem = RateLimitItemPerSecond(
            quota.amount, quota.get_expiry() + margin_seconds
        )
        self.limiter = MovingWindowRateLimiter(
            storage_from_string(storage_url, key_prefix=settings.RATE_LIMIT_KEY_PREFIX)
        )
        # the quota belongs to the key: two keys are two quotas
        self.key = hashlib.sha256(api_key.encode()).hexdigest()[:16]
        self.sleep = sleep

    def acquire(self) -> float:
        """Block until a permit is ours; returns the seconds waited."""
        waited = 0.0
        while not self.limiter.hit(self.item, NAMESPACE, self.key):
            reset_at = self.limiter.get_window_stats(self.item, NAMESPACE, self.key).reset_time
            # a little jitter: the workers that wait for the same slot do not all wake at once
            pause = max(0.01, reset_at - time.time()) + random.uniform(0, 0.05)
            self.sleep(pause)
            waited += pause
        return waited

    def clear(self) -> None:
        self.limiter.clear(self.item, NAMESPACE, self.key)
