from django.urls import path

from .views import EntrepriseDetailView, EntrepriseListView

urlpatterns = [
    path("entreprises/", EntrepriseListView.as_view(), name="entreprise-list"),
    path("entreprises/<str:siret>/", EntrepriseDetailView.as_view(), name="entreprise-detail"),
]
