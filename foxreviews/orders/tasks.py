"""Orders' periodic work (a thin entry point over services)."""

import structlog

from foxreviews.core.tasks import maintenance_task

from .services import commandes_sweep

logger = structlog.get_logger(__name__)


@maintenance_task("foxreviews.orders.tasks.commandes_sweep", time_limit=300)
def sweep_commandes() -> dict[str, int]:
    """Idempotent: a hold cancelled or an order expired or reminded once is not counted again."""
    counts = commandes_sweep()
    logger.info("sponsorship orders swept", **counts)
    return counts
