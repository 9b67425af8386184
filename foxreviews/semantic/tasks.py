"""The vectors' periodic work (thin entry point, on the `ai` queue)."""

import structlog

from foxreviews.core.tasks import maintenance_task

from .services import entreprise_embeddings_refresh, trade_embeddings_refresh, vector_tables_ensure

logger = structlog.get_logger(__name__)


@maintenance_task("foxreviews.semantic.tasks.embeddings_catch_up", time_limit=3600)
def embeddings_catch_up() -> None:
    """Hourly: the trade words and the entreprises whose text changed (a first load of
    millions is the `embed_entreprises` command's work)."""
    if not vector_tables_ensure():
        logger.info("embeddings skipped: no pgvector in this PostgreSQL")
        return
    words = trade_embeddings_refresh()
    rows = entreprise_embeddings_refresh()
    logger.info("embeddings caught up", trade_words=words, entreprises=rows)
