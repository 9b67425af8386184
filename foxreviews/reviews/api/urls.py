from django.urls import path

from .views import (
    CharteView,
    ModerationDecisionView,
    ModerationListView,
    MyAvisView,
    ProLocalisationAvisView,
    ReponseView,
    SignalementView,
)

urlpatterns = [
    path("prolocalisations/<int:pk>/avis/", ProLocalisationAvisView.as_view(), name="proloc-avis"),
    path("me/avis/", MyAvisView.as_view(), name="me-avis"),
    path("avis/charte/", CharteView.as_view(), name="avis-charte"),
    path("avis/<int:pk>/signalements/", SignalementView.as_view(), name="avis-signalements"),
    path("avis/<int:pk>/reponse/", ReponseView.as_view(), name="avis-reponse"),
    path("moderation/avis/", ModerationListView.as_view(), name="moderation-avis"),
    path(
        "moderation/avis/<int:pk>/decision/",
        ModerationDecisionView.as_view(),
        name="moderation-avis-decision",
    ),
]
