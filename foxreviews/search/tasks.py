"""The search's periodic work (thin entry point)."""

import structlog

from foxreviews.core.tasks import maintenance_task

from .services import search_words_refresh

logger = structlog.get_logger(__name__)


@maintenance_task("foxreviews.search.tasks.refresh_search_words", time_limit=3600)
def refresh_search_words() -> None:
    search_words_refresh()
    logger.info("search words refreshed")
