"""The geography's periodic work (thin entry points)."""

import structlog

from foxreviews.core.tasks import maintenance_task

from .autocomplete import popular_preload

logger = structlog.get_logger(__name__)


@maintenance_task("foxreviews.location.tasks.preload_popular_autocomplete", time_limit=600)
def preload_popular_autocomplete() -> int:
    """Put the most asked ville queries back in Redis before their answers expire."""
    preloaded = popular_preload()
    logger.info("ville autocomplete preloaded", queries=preloaded)
    return preloaded
