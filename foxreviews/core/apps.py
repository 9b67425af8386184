from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "foxreviews.core"
    label = "core"
    verbose_name = "Plateforme"

    def ready(self) -> None:
        # the request id's Celery signal receivers, in the worker too (it loads no middleware)
        from foxreviews.core import request_id  # noqa: F401
