from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "foxreviews.core"
    label = "core"
    verbose_name = "Plateforme"

    def ready(self) -> None:
        # the Celery signal receivers, in the worker too (it loads no middleware): the request
        # id's, and the task counters of the Prometheus series (foxreviews/core/metrics.py)
        from foxreviews.core import metrics, request_id  # noqa: F401
