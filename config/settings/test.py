"""Test settings: the same real PostgreSQL and Redis as local, fast password hashing.

The pytest plugin (foxreviews/runtime/pytest_plugin.py) starts the embedded servers the
environment does not name, before these settings are read, and stops them at the end."""

from .base import *

SECRET_KEY = "test-only-not-secret"  # noqa: S105 (the test settings' own)
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
# Keep test keys apart from a developer's live data on the same Redis server, and each test
# run's apart from another's (the pytest plugin names the run; tests delete only its keys).
TEST_RUN_PREFIX = f"foxreviews-test-{env('FOXREVIEWS_TEST_RUN', default='run')}"
CACHES["default"]["LOCATION"] = redis_db(REDIS_URL, 10)
CACHES["default"]["KEY_PREFIX"] = TEST_RUN_PREFIX
CHANNEL_LAYERS["default"]["CONFIG"] = {
    **CHANNEL_LAYERS["default"]["CONFIG"],
    "hosts": [channel_layer_host(redis_db(REDIS_URL, 11))],
    "prefix": TEST_RUN_PREFIX,
}
# the replay streams and tickets beside the cache's keys: each test starts without them
REALTIME_REDIS_URL = redis_db(REDIS_URL, 10)
REALTIME_KEY_PREFIX = f"{TEST_RUN_PREFIX}:realtime"
# no limits but where a test sets them (test_throttling), on the test Redis database
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    scope: None for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
}
API_THROTTLE_STORAGE_URL = redis_db(REDIS_URL, 10)
RATE_LIMIT_KEY_PREFIX = f"{TEST_RUN_PREFIX}:limits"
CELERY_TASK_ALWAYS_EAGER = True
# the tests that go through a real broker: this run's queues on a shared Redis
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "global_keyprefix": f"{TEST_RUN_PREFIX}:",
}
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = str(VAR_DIR / "test-media")
LOGGING = logging_settings(level=LOG_LEVEL, process_name="test", folder=VAR_DIR / "log")
# the local INSEE API of the tests (foxreviews/imports/tests/insee_server.py) is started per
# test; its quota and ours are set by each test, on the test Redis database
INSEE_API_URL = "http://127.0.0.1:9/api-sirene/3.11"  # nothing listens: a test must set it
INSEE_API_KEY = "test-key"
INSEE_RATE_LIMIT_URL = redis_db(REDIS_URL, 10)
INSEE_API_BACKOFF = 0.01
INSEE_API_TIMEOUT = 2.0
INSEE_SYNC_SLICES = 2
INSEE_API_RATE_MARGIN = 0
# claims' documents: each test that stores one points this at its own tmp_path
CLAIM_DOCUMENTS_DIR = str(VAR_DIR / "test-private" / "revendications")
# descriptions: the offline writer unless a test points AI_API_URL at its local chat API; the
# quota on the test Redis database (a test sets its rate), no waits worth the name
AI_API_URL = ""
AI_API_KEY = ""
AI_MODEL = ""
AI_RATE_LIMIT_URL = redis_db(REDIS_URL, 10)
AI_BACKOFF = 0.01
AI_TIMEOUT = 2.0
AI_QUOTA_WAIT = 0.0
