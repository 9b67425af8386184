"""Sponsorship's periodic work (thin entry points over services)."""

import structlog

from foxreviews.core.tasks import maintenance_task

from .services import sponsorisations_expire

logger = structlog.get_logger(__name__)


@maintenance_task("foxreviews.sponsorship.tasks.expire_sponsorisations", time_limit=300)
def expire_sponsorisations() -> int:
    """Idempotent: a sponsorisation already expired is not counted again."""
    expired = sponsorisations_expire()
    logger.info("sponsorisations expired", count=expired)
    return expired
