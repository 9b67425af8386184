"""The semantic endpoints: an entreprise's similar pros, and questions answered from the
directory (ask.py). Without pgvector, or before the vectors are computed: 503 saying why."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foxreviews.enterprise.models import Entreprise
from foxreviews.semantic.errors import SemanticUnavailable
from foxreviews.semantic.selectors import entreprise_similaires, semantic_unavailable

from .serializers import SimilairesSerializer

SIMILAR_LIMIT = 10


class EntrepriseSimilairesView(APIView):
    may_be_unavailable = True  # without pgvector or vectors: 503 (the schema says so)

    @extend_schema(
        responses=SimilairesSerializer,
        description=(
            f"Au plus {SIMILAR_LIMIT} entreprises ouvertes de la même activité (son code NAF "
            "ou un code de sa sous-catégorie) : de la même commune d'abord, puis du même "
            "département, chacune par similarité de son nom, de son activité et de sa "
            "description. Jamais l'entreprise elle-même ni une entreprise fermée."
        ),
    )
    def get(self, request: Request, siret: str) -> Response:
        reason = semantic_unavailable()
        if reason is not None:
            raise SemanticUnavailable(reason)
        entreprise = Entreprise.objects.select_related("ville").defer("search_vector")
        entreprise = entreprise.filter(siret=siret).first()
        if entreprise is None:
            raise NotFound(f"Aucune entreprise avec le SIRET {siret}.")
        if entreprise.ville_id is None:
            return Response({"results": []})
        rows = entreprise_similaires(entreprise=entreprise, limit=SIMILAR_LIMIT)
        return Response(SimilairesSerializer({"results": list(rows)}).data)
