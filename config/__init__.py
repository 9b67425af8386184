"""Project configuration: settings, URL routing, ASGI/WSGI entry points and the Celery app."""

from .celery_app import app as celery_app

__all__ = ("celery_app",)
