from django.urls import path

from .views import EntrepriseSearchView, ProLocalisationListingView

urlpatterns = [
    path("search/", EntrepriseSearchView.as_view(), name="entreprise-search"),
    path("prolocalisations/", ProLocalisationListingView.as_view(), name="prolocalisation-listing"),
]
