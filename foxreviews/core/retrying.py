"""How a client of an outside service (INSEE's API, an AI API) tries a request again, on tenacity:
an answer worth another try raises `Retry`; the next try waits for the service's Retry-After
when it gave one, else an exponential backoff with jitter; each retry is logged; after the last
try the `Retry` is raised again for the client to turn into its own error. The quota
(core/quota.py) is the client's: each try takes its own permit."""

from __future__ import annotations

from collections.abc import Callable

import structlog
import tenacity

logger = structlog.get_logger(__name__)


class Retry(Exception):
    """An answer worth trying again; `after`: the seconds the service asked us to wait."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.after = reason, after


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header given in seconds; None when absent or another form (a date)."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def retrying(
    *,
    attempts: int,
    backoff: float,
    event: str,
    sleep: Callable[[float], None] | None = None,
) -> tenacity.Retrying:
    """`attempts` tries in all; call it as `retrying(fn, *args)`. `event` names the log line
    of each retry ("insee request retried")."""
    wait_backoff = tenacity.wait_exponential_jitter(
        multiplier=backoff, jitter=backoff, max=60 * backoff
    )

    def wait(state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, Retry) and error.after is not None:
            return error.after
        return wait_backoff(state)

    def log_retry(state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        logger.warning(
            event,
            attempt=state.attempt_number,
            reason=getattr(error, "reason", str(error)),
            wait_seconds=round(state.upcoming_sleep, 2),
        )

    return tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(Retry),
        wait=wait,
        stop=tenacity.stop_after_attempt(attempts),
        before_sleep=log_retry,
        reraise=True,
        **({"sleep": sleep} if sleep else {}),
    )
