"""The platform's own periodic task, and the decorator of the apps' periodic tasks (each app
keeps its tasks in its tasks.py)."""

import structlog
from celery import shared_task

logger = structlog.get_logger(__name__)


def maintenance_task(name: str, *, time_limit: int):
    """A periodic, idempotent task: retried three times with a growing delay on any error,
    warned (SoftTimeLimitExceeded) at 90 % of its time limit, killed at the limit."""
    return shared_task(
        name=name,
        autoretry_for=(Exception,),
        retry_backoff=True,
        max_retries=3,
        time_limit=time_limit,
        soft_time_limit=time_limit * 9 // 10,
    )


@shared_task(name="foxreviews.core.tasks.heartbeat")
def heartbeat() -> str:
    """Proves the beat → broker → worker chain is alive; shows up in the worker log."""
    logger.info("heartbeat")
    return "ok"
