"""The search (a trade, a place and name words, with the entreprise list's filters) and the
listing of a ville's pro-localisations in a sous-catégorie."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from foxreviews.enterprise.api.filters import FILTER_PARAMETERS
from foxreviews.enterprise.api.views import EntrepriseListView
from foxreviews.enterprise.models import ProLocalisation
from foxreviews.search.hybrid import entreprise_hybrid_search, search_mode
from foxreviews.search.selectors import entreprise_search_rows, prolocalisation_listing
from foxreviews.search.understanding import understand

from .pagination import ListingCursorPagination, SearchCursorPagination
from .serializers import (
    ListingQuerySerializer,
    ListingSerializer,
    SearchQuerySerializer,
    SearchResultSerializer,
    UnderstoodSerializer,
)

PLACE_FILTERS = ("ville", "code_postal", "departement", "region")  # the list's, by place


@extend_schema(
    parameters=[SearchQuerySerializer, *FILTER_PARAMETERS],
    description=(
        "La recherche lit q comme un métier (vocabulaire des métiers → sous-catégories), un lieu "
        "(commune, arrondissement « paris 11 », code postal, département par son numéro ou son "
        "nom) et des mots du nom ; « à », « sur », « près de », « dans le » sont ignorés. Le "
        "métier et le lieu filtrent, les mots du nom cherchent dans le nom et l'enseigne ; "
        "« understood » dit comment q a été lu. Les filtres explicites (ville, departement, "
        "sous_categorie...) s'ajoutent. Une requête faite seulement de mots de liaison : 400. "
        "mode=hybrid (par défaut là où les vecteurs existent) fusionne ce classement avec "
        "celui des vecteurs (le besoin : « fuite d'eau », « couper les cheveux », comparé aux "
        "entreprises et au vocabulaire des métiers) par fusion des rangs réciproques ; "
        "mode=semantic : les vecteurs seuls ; mode=lexical : le texte seul. Sans pgvector ou "
        "avant le calcul des vecteurs, semantic et hybrid répondent 503."
    ),
)
class EntrepriseSearchView(EntrepriseListView):
    """Entreprises of a trade in a place, by name or enseigne: French full text, typos
    tolerated, the exact name first, then open establishments; the list's filters apply."""

    serializer_class = SearchResultSerializer
    pagination_class = SearchCursorPagination
    may_be_unavailable = True  # mode=semantic|hybrid without pgvector or vectors: 503

    def filter_queryset(self, queryset):
        params = SearchQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        q = params.validated_data["q"]
        self.understood = understand(q)
        if self.understood.only_glue:
            raise ValidationError({"q": ["Que des mots de liaison : un métier, un lieu ou un nom "
                                         "est attendu."]})  # fmt: skip
        within = super().filter_queryset(queryset)  # the list's filters
        placed = any(self.request.query_params.get(name) for name in PLACE_FILTERS)
        self.mode = search_mode(params.validated_data.get("mode") or None)
        return entreprise_hybrid_search(
            q=q, within=within, understood=self.understood, placed=placed, mode=self.mode
        )

    def paginate_queryset(self, queryset) -> list[dict] | None:
        """The page's rank keys, then its rows (two steps: the rows of the matches that do
        not make the page are never read)."""
        keys = super().paginate_queryset(queryset)
        return None if keys is None else entreprise_search_rows(keys)

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        response.data["understood"] = UnderstoodSerializer(self.understood).data
        response.data["mode"] = self.mode
        return response


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
