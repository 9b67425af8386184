"""Tasks of the worker tests only: one that fails, one that retries once; a test worker imports
this module (`--include`), the test publishes them."""

from celery import shared_task


@shared_task(name="tests.metrics.boom")
def boom() -> None:
    raise ValueError("boom")


@shared_task(name="tests.metrics.retry_once", bind=True, max_retries=1)
def retry_once(self) -> str:
    if self.request.retries == 0:
        raise self.retry(countdown=0)
    return "ok"
