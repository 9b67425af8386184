"""The statistics' periodic work (thin entry point)."""

import structlog

from foxreviews.core.tasks import maintenance_task

from .services import statistics_refresh

logger = structlog.get_logger(__name__)


@maintenance_task("foxreviews.stats.tasks.refresh_statistics", time_limit=3600)
def refresh_statistics() -> None:
    statistics_refresh()
    logger.info("statistics refreshed")
