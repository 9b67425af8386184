"""Avis over HTTP: a pro-localisation's avis (read, post), the author's own, reports, the
owner's answer, the staff's moderation, and the charter. Views translate; services decide."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foxreviews.core.api.schema import ErrorSerializer
from foxreviews.core.api.throttling import RateThrottle
from foxreviews.enterprise.models import ProLocalisation
from foxreviews.reviews.charte import charte
from foxreviews.reviews.models import Avis
from foxreviews.reviews.selectors import avis_moderation_queue, avis_of_author, avis_public_list
from foxreviews.reviews.services import (
    avis_create,
    avis_moderate,
    reponse_save,
    signalement_create,
)

from .pagination import ModerationPagination, OwnAvisPagination, PublicAvisPagination
from .serializers import (
    AvisCreateSerializer,
    AvisModerationSerializer,
    AvisOwnSerializer,
    AvisPublicSerializer,
    DecisionSerializer,
    ReponseCreateSerializer,
    ReponseSerializer,
    SignalementCreateSerializer,
    SignalementSerializer,
)

ERRORS = {code: ErrorSerializer for code in (400, 401, 403, 404, 409)}


class PerAccountPostThrottle(RateThrottle):
    """A scope's POSTs per signed-in account."""

    def key(self, request: Request) -> str | None:
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        return str(request.user.pk)


class AvisPostThrottle(PerAccountPostThrottle):
    scope = "avis"


class SignalementThrottle(PerAccountPostThrottle):
    scope = "signalements"


class ProLocalisationAvisView(GenericAPIView):
    """GET: the published avis, newest first. POST (a verified account): a new avis, waiting
    for moderation."""

    pagination_class = PublicAvisPagination
    filter_backends = []
    serializer_class = AvisPublicSerializer

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    def get_throttles(self):
        return [*super().get_throttles(), AvisPostThrottle()]

    @extend_schema(responses={200: AvisPublicSerializer(many=True), 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        get_object_or_404(ProLocalisation.objects.only("pk"), pk=pk)
        page = self.paginate_queryset(avis_public_list(prolocalisation_id=pk))
        return self.get_paginated_response(AvisPublicSerializer(page, many=True).data)

    @extend_schema(request=AvisCreateSerializer, responses={201: AvisOwnSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        data = AvisCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        avis = avis_create(
            auteur=request.user,
            prolocalisation_id=pk,
            adresse_ip=request.META.get("REMOTE_ADDR") or None,
            **data.validated_data,
        )
        avis = avis_of_author(user_id=request.user.pk).get(pk=avis.pk)
        return Response(AvisOwnSerializer(avis).data, status=status.HTTP_201_CREATED)


class MyAvisView(GenericAPIView):
    """The signed-in author's own avis, each with its statut and, refused, the reason."""

    permission_classes = [IsAuthenticated]
    pagination_class = OwnAvisPagination
    filter_backends = []
    serializer_class = AvisOwnSerializer

    @extend_schema(responses={200: AvisOwnSerializer(many=True), 401: ErrorSerializer})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(avis_of_author(user_id=request.user.pk))
        return self.get_paginated_response(AvisOwnSerializer(page, many=True).data)


class SignalementView(APIView):
    permission_classes = [IsAuthenticated]

    def get_throttles(self):
        return [*super().get_throttles(), SignalementThrottle()]

    @extend_schema(
        request=SignalementCreateSerializer, responses={201: SignalementSerializer, **ERRORS}
    )
    def post(self, request: Request, pk: int) -> Response:
        data = SignalementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signalement = signalement_create(avis_id=pk, auteur=request.user, **data.validated_data)
        return Response(SignalementSerializer(signalement).data, status=status.HTTP_201_CREATED)


class ReponseView(APIView):
    """The owner's public answer: POST creates it (201), or edits it within 24 hours (200)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ReponseCreateSerializer,
        responses={201: ReponseSerializer, 200: ReponseSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = ReponseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reponse, created = reponse_save(
            avis_id=pk, auteur=request.user, texte=data.validated_data["texte"]
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ReponseSerializer(reponse).data, status=code)


STATUT = OpenApiParameter(
    "statut", OpenApiTypes.STR, enum=["en_attente", "signale"], default="en_attente",
    description="en_attente : avis à modérer ; signale : avis signalés depuis leur décision",
)  # fmt: skip


class ModerationListView(GenericAPIView):
    permission_classes = [IsAdminUser]
    pagination_class = ModerationPagination
    filter_backends = []
    serializer_class = AvisModerationSerializer

    @extend_schema(
        parameters=[STATUT],
        responses={200: AvisModerationSerializer(many=True), 400: ErrorSerializer,
                   401: ErrorSerializer, 403: ErrorSerializer},
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        statut = request.query_params.get("statut", "en_attente")
        if statut not in ("en_attente", "signale"):
            raise ValidationError({"statut": ["Valeurs possibles : en_attente, signale."]})
        page = self.paginate_queryset(avis_moderation_queue(statut=statut))
        return self.get_paginated_response(AvisModerationSerializer(page, many=True).data)


class ModerationDecisionView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=DecisionSerializer, responses={200: AvisModerationSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        get_object_or_404(Avis.objects.only("pk"), pk=pk)
        avis_moderate(
            avis_ids=[pk],
            moderateur=request.user,
            decision=data.validated_data["decision"],
            motif_refus=data.validated_data.get("motif", ""),
            motif_texte=data.validated_data["texte"],
        )
        avis = Avis.objects.select_related("prolocalisation__entreprise", "reponse").get(pk=pk)
        return Response(AvisModerationSerializer(avis).data)


class CharteView(APIView):
    """The moderation charter, as the page /avis/charte/ shows it."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(charte())
