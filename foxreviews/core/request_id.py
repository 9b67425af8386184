"""A request id on every log line of a request and of the Celery tasks it enqueues.

The incoming `X-Request-ID` (nginx passes its own or the client's) is kept when it is a bounded
token (1 to 128 letters, digits, `.`, `_`, `-`, `:`), else replaced by a new one (32 hex
digits); it is returned in the response's `X-Request-ID` and bound in structlog's contextvars,
which every log line merges (structlog's and the stdlib's: foxreviews/core/logging.py). A task
published while it is bound carries it in its message's `request_id` header (Celery's public
`before_task_publish` signal); the worker binds it while the task runs (`task_prerun`, restored
at `task_postrun`)."""

from __future__ import annotations

import re
import uuid

import structlog
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.signals import request_finished
from django.dispatch import receiver

HEADER = "X-Request-ID"
KEY = "request_id"
VALID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_from(value: str | None) -> str:
    if value and VALID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return structlog.contextvars.get_contextvars().get(KEY)


class RequestIdMiddleware:
    """Outermost: binds the id before anything logs. It stays bound until the request ends
    (request_finished), so Django's own log line of a 4xx/5xx, written after the middlewares
    returned, carries it too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished, dispatch_uid="foxreviews.request_id.finished")
def _unbind_after_request(**kwargs) -> None:
    structlog.contextvars.unbind_contextvars(KEY)


@before_task_publish.connect(dispatch_uid="foxreviews.request_id.publish")
def _carry_into_task(headers=None, **kwargs) -> None:
    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault(KEY, request_id)


_bound_by_task: dict[str, dict] = {}  # task id -> the tokens that restore the previous value


@task_prerun.connect(dispatch_uid="foxreviews.request_id.prerun")
def _bind_in_task(task_id=None, task=None, **kwargs) -> None:
    if task is None:
        return
    # a worker merges the message's headers into the request; an eager apply keeps them apart
    request_id = getattr(task.request, KEY, None) or (task.request.headers or {}).get(KEY)
    if isinstance(request_id, str) and VALID.fullmatch(request_id):
        _bound_by_task[task_id] = structlog.contextvars.bind_contextvars(request_id=request_id)


@task_postrun.connect(dispatch_uid="foxreviews.request_id.postrun")
def _unbind_after_task(task_id=None, **kwargs) -> None:
    tokens = _bound_by_task.pop(task_id, None)
    if tokens:  # an eager task run inside a request gets the request's id back
        structlog.contextvars.reset_contextvars(**tokens)
