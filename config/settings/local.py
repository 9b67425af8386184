"""Development settings: what base reads, with DEBUG on by default.

DATABASE_URL, REDIS_URL and DJANGO_SECRET_KEY come from the environment; the `foxreviews`
command and manage.py fill them for a checkout (embedded servers, a key kept in var/)."""

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY")
