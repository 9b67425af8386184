"""Development settings: embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are set."""

import os

from foxreviews.runtime.bootstrap import ensure_service_urls
from foxreviews.runtime.secrets import local_secret_key

os.environ.setdefault("DJANGO_SECRET_KEY", local_secret_key())
ensure_service_urls()

from .base import *  # noqa: E402

DEBUG = env.bool("DJANGO_DEBUG", default=True)
