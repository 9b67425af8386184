"""The browser test's web process: the test settings (this run's database, Redis keys and
channel layer, tasks run eagerly), with the apps' static files served without collectstatic
and uploads written in small chunks (a progress bar to watch)."""

from config.settings.test import *  # noqa: F403

WHITENOISE_USE_FINDERS = True
UPLOAD_BATCH_ROWS = 200
