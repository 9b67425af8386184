from django.urls import path

from .views import EntrepriseSimilairesView

urlpatterns = [
    path(
        "entreprises/<str:siret>/similaires/",
        EntrepriseSimilairesView.as_view(),
        name="entreprise-similaires",
    ),
]
