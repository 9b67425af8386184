"""Production settings: every secret and server comes from the environment, with no default."""

from .base import *

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS only, behind the proxy that terminates TLS (it sets X-Forwarded-Proto); the health
# checks of an orchestrator and Prometheus' scrapes come over plain HTTP from inside and are
# not redirected (nginx refuses /metrics from outside)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
for _db in DATABASES.values():
    if "pool" not in _db["OPTIONS"]:  # a pooled connection is never persistent (Django refuses)
        _db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=300)
# a site taking real orders takes real payments: the test provider (free sponsorships for
# whoever opens its page) only where an operator says so, for a staging site
PAYMENT_TEST_PROVIDER_ALLOWED = env.bool("PAYMENT_TEST_PROVIDER_ALLOWED", default=False)
