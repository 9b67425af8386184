"""/api/pro/revendications/, /api/pro/entreprises/ and /api/moderation/revendications/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ModerationRevendicationViewSet, ProEntrepriseListView, ProRevendicationViewSet

router = SimpleRouter()
router.register("pro/revendications", ProRevendicationViewSet, basename="pro-revendication")
router.register(
    "moderation/revendications", ModerationRevendicationViewSet,
    basename="moderation-revendication",
)  # fmt: skip
urlpatterns = [
    path("pro/entreprises/", ProEntrepriseListView.as_view(), name="pro-entreprise-list"),
    *router.urls,
]
