"""One INSEE request quota for the whole cluster (core/quota.py's shared moving window in
Redis), keyed by the API key: two keys are two quotas.

The window is kept `margin_seconds` longer than INSEE's because a request reaches INSEE some
time after its permit; without Redis no request is sent (it fails closed).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from foxreviews.core.quota import SharedQuota

NAMESPACE = "insee-api"


class QuotaLimiter(SharedQuota):
    def __init__(
        self,
        *,
        storage_url: str,
        rate: str,
        api_key: str,
        margin_seconds: int = 0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            storage_url=storage_url,
            rate=rate,
            namespace=NAMESPACE,
            # the quota belongs to the key: two keys are two quotas
            key=hashlib.sha256(api_key.encode()).hexdigest()[:16],
            setting="INSEE_API_RATE",
            margin_seconds=margin_seconds,
            sleep=sleep,
        )
