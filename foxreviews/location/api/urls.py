from django.urls import path

from .views import VilleAutocompleteView

urlpatterns = [path("villes/", VilleAutocompleteView.as_view(), name="ville-autocomplete")]
