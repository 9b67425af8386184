"""Periodic maintenance tasks (thin entry points over services)."""

import structlog
from celery import shared_task

logger = structlog.get_logger(__name__)


@shared_task(name="foxreviews.core.tasks.heartbeat")
def heartbeat() -> str:
    """Proves the beat → broker → worker chain is alive; shows up in the worker log."""
    logger.info("heartbeat")
    return "ok"


@shared_task(
    name="foxreviews.core.tasks.expire_sponsorisations",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
    time_limit=300,
    soft_time_limit=240,
)
def expire_sponsorisations() -> int:
    from foxreviews.sponsorship.services import sponsorisations_expire

    expired = sponsorisations_expire()
    logger.info("sponsorisations expired", count=expired)
    return expired
