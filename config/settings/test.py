"""Test settings: the same real PostgreSQL and Redis as local, fast password hashing."""

import os

from foxreviews.runtime.bootstrap import ensure_service_urls

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("FOXREVIEWS_PROCESS", "test")  # logs to var/log/test.jsonl
ensure_service_urls()

from .base import *  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
# Keep test keys apart from a developer's live data on the same Redis server.
CACHES["default"]["LOCATION"] = redis_db(REDIS_URL, 10)
CACHES["default"]["KEY_PREFIX"] = "foxreviews-test"
CHANNEL_LAYERS["default"]["CONFIG"] = {
    "hosts": [channel_layer_host(redis_db(REDIS_URL, 11))],
    "prefix": "foxreviews-test",
}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = str(VAR_DIR / "test-media")
