"""The vectors' periodic work (thin entry point, on the `ai` queue)."""

import structlog
from django.conf import settings
from kombu.exceptions import OperationalError as BrokerUnreachable

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


def embeddings_catch_up_soon() -> None:
    """After data loaded outside a worker (`foxreviews up`: the reference and demo data): the
    catch-up now rather than at the next hour, so that search by need works from the start.
    Never fails the caller: with the broker out of reach, the hourly beat entry catches up."""
    try:
        embeddings_catch_up.apply_async(retry=True, retry_policy=settings.TASK_PUBLISH_RETRY_POLICY)
    except BrokerUnreachable as exc:
        logger.warning("embeddings catch-up not queued: the broker is out of reach",
                       error=str(exc)[:200])  # fmt: skip
