"""The platform's own periodic task, the decorator of the apps' periodic tasks (each app
keeps its tasks in its tasks.py), and how a request hands a task to the broker."""

import structlog
from celery import Task, shared_task
from celery.result import AsyncResult
from django.conf import settings
from kombu.exceptions import OperationalError as BrokerUnreachable

from foxreviews.core.exceptions import ApplicationError

logger = structlog.get_logger(__name__)


class QueueUnreachable(ApplicationError):
    """The broker did not take a request's task: the request is refused (503), nothing kept."""

    status_code = 503
    retry_after = 60


def publish(task: Task, *args, what: str) -> AsyncResult:
    """`task` sent for a request that waits: with the broker out of reach, tried twice within its
    socket timeouts (CELERY_BROKER_TRANSPORT_OPTIONS, TASK_PUBLISH_RETRY_POLICY), then
    QueueUnreachable, naming `what` was refused (Celery's default retries held a request 20 s
    and more, then answered 500). Tasks published this way ignore their result: a result
    backend on the same Redis would wait for it too."""
    try:
        return task.apply_async(args, retry=True, retry_policy=settings.TASK_PUBLISH_RETRY_POLICY)
    except BrokerUnreachable as exc:
        logger.warning(
            "task refused: the broker is out of reach", task=task.name, error=str(exc)[:200]
        )
        raise QueueUnreachable(
            f"La file des tâches est injoignable pour le moment : {what}. Réessayez dans "
            "quelques minutes.",
            {"reason": "queue_unreachable"},
        ) from exc


def maintenance_task(name: str, *, time_limit: int):
    """A periodic, idempotent task: retried three times with a growing delay on any error,
    warned (SoftTimeLimitExceeded) at 90 % of its time limit, killed at the limit."""
    return shared_task(
        name=name,
        autoretry_for=(Exception,),
        retry_backoff=True,
        max_retries=3,
        time_limit=time_limit,
        soft_time_limit=time_limit * 9 // 10,
        ignore_result=True,  # nobody reads it; and a request may publish one (core.tasks.publish)
    )


@shared_task(name="foxreviews.core.tasks.heartbeat")
def heartbeat() -> str:
    """Proves the beat → broker → worker chain is alive; shows up in the worker log."""
    logger.info("heartbeat")
    return "ok"
