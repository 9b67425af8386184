"""URL routing: the home page, admin, health, API (with its OpenAPI schema and docs, served
offline); robots.txt and favicon.ico are files WhiteNoise serves (WHITENOISE_ROOT)."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from foxreviews.core.api.errors import api_not_found
from foxreviews.core.api.views import ApiRootView
from foxreviews.core.health import health_view, live_view, ready_view
from foxreviews.dashboard.health import health_detailed_view
from foxreviews.dashboard.metrics import metrics_view
from foxreviews.orders.views import checkout_page
from foxreviews.reviews.views import charte_page
from foxreviews.users.views import password_reset_page, verify_email_page

urlpatterns = [
    # what the platform is and where to go (foxreviews/templates/home.html; no database read)
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    # the live dashboard, before the admin's own URLs (staff only)
    path("admin/dashboard/", include("foxreviews.dashboard.urls")),
    path("admin/", admin.site.urls),
    path("health/", health_view, name="health"),
    path("health/live/", live_view, name="health-live"),  # the process answers: nothing else
    path("health/ready/", ready_view, name="health-ready"),  # database, Redis, broker, migrations
    path("health/detailed/", health_detailed_view, name="health-detailed"),  # staff only
    # Prometheus: off unless METRICS_ENABLED; allowed addresses or a bearer token only
    path("metrics", metrics_view, name="metrics"),
    # the avis moderation charter, public (décret 2017-1436); GET /api/avis/charte/ says the same
    path("avis/charte/", charte_page, name="avis-charte-page"),
    # where the account e-mails link to: a form posting the key (a GET changes nothing)
    path("compte/verifier-email/", verify_email_page, name="account-verify-email-page"),
    path("compte/nouveau-mot-de-passe/", password_reset_page, name="account-password-reset-page"),
    path("api/", ApiRootView.as_view(), name="api-root"),
    path("api/", include("foxreviews.location.api.urls")),
    # before the entreprise's own URLs: entreprises/<siret>/similaires/
    path("api/", include("foxreviews.semantic.api.urls")),
    path("api/", include("foxreviews.enterprise.api.urls")),
    path("api/", include("foxreviews.search.api.urls")),
    path("api/", include("foxreviews.stats.api.urls")),
    path("api/", include("foxreviews.imports.api.urls")),
    path("api/", include("foxreviews.users.api.urls")),
    path("api/", include("foxreviews.claims.api.urls")),
    path("api/", include("foxreviews.reviews.api.urls")),
    path("api/", include("foxreviews.orders.api.urls")),
    path("api/", include("foxreviews.realtime.api.urls")),
    # the local test payment provider's checkout page (404 when Stripe is configured)
    path("paiement-test/<str:session>/", checkout_page, name="paiement-test"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's start-up script from its own URL (?script), not inline: nginx's CSP
    # (deploy/nginx) allows scripts from this site only
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    # last: any other path under /api/ is a JSON 404, never Django's HTML page
    re_path(r"^api/(?P<rest>[\s\S]*)$", api_not_found),  # any character, a newline too
]
