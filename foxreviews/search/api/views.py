"""The search (entreprises by name, with the entreprise list's filters) and the listing of a
ville's pro-localisations in a sous-catégorie."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView

from foxreviews.enterprise.api.filters import FILTER_PARAMETERS
from foxreviews.enterprise.api.views import EntrepriseListView
from foxreviews.enterprise.models import ProLocalisation
from foxreviews.search.selectors import entreprise_search, prolocalisation_listing

from .pagination import ListingCursorPagination, SearchCursorPagination
from .serializers import ListingQuerySerializer, ListingSerializer, SearchQuerySerializer


@extend_schema(parameters=[SearchQuerySerializer, *FILTER_PARAMETERS])
class EntrepriseSearchView(EntrepriseListView):
    """Entreprises by name or enseigne: French full text, typos tolerated, the exact name
    first, then open establishments; the list's filters apply."""

    pagination_class = SearchCursorPagination

    def filter_queryset(self, queryset):
        params = SearchQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        within = super().filter_queryset(queryset)  # the list's filters
        return entreprise_search(q=params.validated_data["q"], within=within)


@extend_schema(parameters=[ListingQuerySerializer])
class ProLocalisationListingView(ListAPIView):
    """What a visitor sees for a trade in a ville: sponsored first, then the best rated."""

    serializer_class = ListingSerializer
    pagination_class = ListingCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the model
            return ProLocalisation.objects.none()
        params = ListingQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return prolocalisation_listing(**params.validated_data)
