"""Sponsorship's periodic work (thin entry points over services)."""

import structlog
from celery import shared_task

from .services import sponsorisations_expire

logger = structlog.get_logger(__name__)


@shared_task(
    name="foxreviews.sponsorship.tasks.expire_sponsorisations",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
    time_limit=300,
    soft_time_limit=240,
)
def expire_sponsorisations() -> int:
    """Idempotent: a sponsorisation already expired is not counted again."""
    expired = sponsorisations_expire()
    logger.info("sponsorisations expired", count=expired)
    return expired
