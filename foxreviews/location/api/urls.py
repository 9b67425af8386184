from django.urls import path

from .views import VilleAutocompleteView, VilleListView

urlpatterns = [
    path("villes/", VilleListView.as_view(), name="ville-list"),
    path("villes/autocomplete/", VilleAutocompleteView.as_view(), name="ville-autocomplete"),
]
