"""Celery entry points on the `ai` queue: one description, and the daily batch that queues as
many as the quota allows, spread over its window."""

from __future__ import annotations

import random

import structlog
from celery import shared_task
from django.conf import settings

from .providers import AiError, QuotaExhausted
from .services import batch_size, batch_spacing, description_generate, descriptions_to_write

logger = structlog.get_logger(__name__)


@shared_task(bind=True, max_retries=3, soft_time_limit=10 * 60, time_limit=11 * 60)
def ai_describe(self, prolocalisation_id: int) -> int | None:
    """A new draft for one pro-localisation; its id (None: a description written by hand)."""
    try:
        draft = description_generate(prolocalisation_id=prolocalisation_id)
    except QuotaExhausted as exc:  # the window is full: come back when it has room
        raise self.retry(
            countdown=exc.retry_in + random.uniform(0, 5), max_retries=50, exc=exc
        ) from None
    except AiError as exc:  # the API failed after its retries: try again later
        raise self.retry(countdown=10 * 60, exc=exc) from None
    return draft.pk if draft else None


@shared_task(soft_time_limit=15 * 60, time_limit=16 * 60)
def ai_describe_batch(size: int | None = None) -> int:
    """Queue the day's descriptions: AI_RATE x AI_BATCH_MINUTES of them, one every
    1/AI_RATE, the facts that changed first. Returns how many were queued."""
    size = size or batch_size()
    spacing = batch_spacing()
    ids = descriptions_to_write(size=size)
    for position, prolocalisation_id in enumerate(ids):
        ai_describe.apply_async((prolocalisation_id,), countdown=position * spacing)
    logger.info("description batch queued", count=len(ids), size=size, rate=settings.AI_RATE)
    return len(ids)
