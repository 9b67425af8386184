from django.urls import path

from .ask import AskView
from .views import EntrepriseSearchView, ProLocalisationListingView

urlpatterns = [
    path("search/", EntrepriseSearchView.as_view(), name="entreprise-search"),
    path("ask/", AskView.as_view(), name="ask"),
    path("prolocalisations/", ProLocalisationListingView.as_view(), name="prolocalisation-listing"),
]
