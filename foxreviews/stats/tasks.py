"""The statistics' recount as a task (thin entry point): every night, on an admin's demand,
and after each load that changed rows (`refresh_statistics_soon`)."""

import contextlib

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnreachable
from redis.exceptions import RedisError

from foxreviews.core.tasks import maintenance_task

from .services import statistics_refresh

logger = structlog.get_logger(__name__)

PENDING_KEY = "stats:refresh-pending"  # set while a recount waits in the queue
REFRESH_AFTER = 5  # seconds: the loads that end meanwhile share one recount
PENDING_TTL = 15 * 60  # a recount lost on its way keeps the next ones away this long at most


@maintenance_task("foxreviews.stats.tasks.refresh_statistics", time_limit=3600)
def refresh_statistics() -> None:
    with contextlib.suppress(RedisError):  # then the next loads wait for the key to expire
        cache.delete(PENDING_KEY)  # a load that ends from now on may not be counted: it asks
    statistics_refresh()
    logger.info("statistics refreshed")


def refresh_statistics_soon() -> None:
    """After a load that changed rows, once its transaction commits: a recount in the
    background, one for all the loads that end within REFRESH_AFTER seconds. Never fails the
    load: with Redis or the broker out of reach, the nightly recount catches up."""
    transaction.on_commit(_queue_refresh, robust=True)


def _queue_refresh() -> None:
    try:
        if not cache.add(PENDING_KEY, 1, timeout=PENDING_TTL):
            return  # queued already, and not started: it will count this load too
    except RedisError as exc:
        logger.warning("statistics recount not queued: Redis is out of reach", error=str(exc))
        return
    try:
        refresh_statistics.apply_async(
            countdown=REFRESH_AFTER, retry=True, retry_policy=settings.TASK_PUBLISH_RETRY_POLICY
        )
    except BrokerUnreachable as exc:
        with contextlib.suppress(RedisError):
            cache.delete(PENDING_KEY)
        logger.warning("statistics recount not queued: the broker is out of reach", error=str(exc))
