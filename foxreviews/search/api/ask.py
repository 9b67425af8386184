"""GET /api/ask/?q=: a question answered from the directory, with the rows it cites."""

from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from foxreviews.core.api.throttling import RateThrottle
from foxreviews.search.ask import ask
from foxreviews.search.selectors import SEARCH_MIN_LENGTH

from .serializers import THREE, UnderstoodSerializer


class AskAddressThrottle(RateThrottle):
    """Questions from one address (each one reads vectors and writes an answer)."""

    scope = "ask"

    def key(self, request: Request) -> str | None:
        return self.get_ident(request)


class AskQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=SEARCH_MIN_LENGTH,
        max_length=300,
        trim_whitespace=True,
        validators=[RegexValidator(THREE, "Au moins 3 lettres ou chiffres sont attendus.")],
        help_text="La question (« Quel plombier ouvert le samedi à Bayeux a les meilleurs "
        "avis ? »).",
    )


class CitationSerializer(serializers.Serializer):
    siret = serializers.CharField()
    nom = serializers.CharField()
    facts = serializers.DictField(
        help_text="Les faits de l'annuaire que la réponse utilise : ville, activite, "
        "etat_administratif, note_moyenne, nombre_avis."
    )


class AskAnswerSerializer(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField(help_text="La réponse en français, tirée des faits cités.")
    citations = CitationSerializer(many=True)
    unknown = serializers.ListField(
        child=serializers.ChoiceField(choices=["horaires", "prix", "telephone"]),
        help_text="Ce que la question demande et que l'annuaire ne contient pas (la réponse "
        "le dit au lieu de deviner).",
    )
    writer = serializers.ChoiceField(
        choices=["extractive", "ai"],
        help_text="Qui a écrit la réponse : extractive (phrases tirées des faits) ou ai (le "
        "fournisseur d'IA configuré, sa réponse vérifiée contre les faits cités).",
    )
    mode = serializers.ChoiceField(choices=["lexical", "hybrid"])
    understood = UnderstoodSerializer()


class AskView(APIView):
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, AskAddressThrottle]

    @extend_schema(
        parameters=[AskQuerySerializer],
        responses={
            200: AskAnswerSerializer,
            429: OpenApiResponse(description="Trop de questions."),
        },
        description=(
            "Répond à une question à partir de l'annuaire : le métier ou le besoin, le lieu, "
            "« ouvert » (en activité), « les meilleurs avis » (tri par note) sont lus dans la "
            "question ; la réponse cite les entreprises utilisées (citations : siret, nom, faits)"
            " et dit ce que l'annuaire ne sait pas (horaires, prix, téléphone). Limité par "
            "adresse (API_THROTTLE_ASK)."
        ),
    )
    def get(self, request: Request) -> Response:
        params = AskQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        retrieval, answer = ask(params.validated_data["q"])
        return Response(
            AskAnswerSerializer(
                {
                    "question": retrieval.question.text,
                    "answer": answer.text,
                    "citations": [
                        {"siret": f.siret, "nom": f.nom, "facts": f.used()} for f in answer.cited
                    ],
                    "unknown": list(answer.unknown),
                    "writer": answer.writer,
                    "mode": retrieval.mode,
                    "understood": retrieval.understood,
                }
            ).data
        )
