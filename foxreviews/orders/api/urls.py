from django.urls import path

from .views import CommandeDetailView, CommandeListView, OffreView, PaymentWebhookView

urlpatterns = [
    path("sponsorisations/offres/", OffreView.as_view(), name="sponsorisation-offres"),
    path("sponsorisations/commandes/", CommandeListView.as_view(), name="commande-list"),
    path(
        "sponsorisations/commandes/<int:pk>/",
        CommandeDetailView.as_view(),
        name="commande-detail",
    ),
    path("paiements/webhook/", PaymentWebhookView.as_view(), name="paiement-webhook"),
]
