"""The vectors' periodic work (thin entry point, on the `ai` queue)."""

import contextlib

import structlog

from foxreviews.core.tasks import QueueUnreachable, maintenance_task, publish

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


def embeddings_catch_up_soon() -> None:
    """After data loaded outside a worker (`foxreviews up`: the reference and demo data): the
    catch-up now rather than at the next hour, so that search by need works from the start.
    Never fails the caller: with the broker out of reach (publish logs it), the hourly beat
    entry catches up."""
    with contextlib.suppress(QueueUnreachable):
        publish(embeddings_catch_up, what="le calcul des vecteurs")
