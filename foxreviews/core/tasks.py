"""The platform's own periodic task (each app keeps its tasks in its tasks.py)."""

import structlog
from celery import shared_task

logger = structlog.get_logger(__name__)


@shared_task(name="foxreviews.core.tasks.heartbeat")
def heartbeat() -> str:
    """Proves the beat → broker → worker chain is alive; shows up in the worker log."""
    logger.info("heartbeat")
    return "ok"
