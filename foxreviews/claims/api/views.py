"""Claims through the API: a signed-in account claims an entreprise and follows its own claims
(`/api/pro/revendications/`), sees what it owns (`/api/pro/entreprises/`); staff decide and read
the documents (`/api/moderation/revendications/`). Another account's claim is a 404."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from foxreviews.claims.documents import SizeLimitUploadHandler, document_response, too_large
from foxreviews.claims.models import Revendication
from foxreviews.claims.selectors import entreprises_owned, revendications_of, revendications_queue
from foxreviews.claims.services import (
    revendication_approve,
    revendication_create,
    revendication_refuse,
)
from foxreviews.core.api.schema import ErrorSerializer
from foxreviews.core.api.throttling import UserRateThrottle

from .serializers import (
    ModerationRevendicationSerializer,
    OwnedEntrepriseSerializer,
    RevendicationCreateSerializer,
    RevendicationDecisionSerializer,
    RevendicationSerializer,
)

MULTIPART_OVERHEAD = 16 * 1024  # the form around the document: the SIRET, the boundaries


class ClaimRateThrottle(UserRateThrottle):
    scope = "claims"


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20


class OldestFirst(CursorPagination):
    ordering = ("created_at", "id")
    page_size = 50


class BySiret(CursorPagination):
    ordering = ("siret",)
    page_size = 50


class ProRevendicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsAuthenticated]
    serializer_class = RevendicationSerializer
    pagination_class = NewestFirst
    parser_classes = [MultiPartParser]
    filter_backends = []

    def initialize_request(self, request, *args, **kwargs):
        # before anything reads the body (a session's CSRF check does): a document over the
        # limit stops the upload at its first byte too many
        if request.method == "POST":
            request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
        return super().initialize_request(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Revendication.objects.none()
        return revendications_of(user=self.request.user)

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "create":
            throttles.append(ClaimRateThrottle())
        return throttles

    @extend_schema(
        request={"multipart/form-data": RevendicationCreateSerializer},
        responses={
            201: RevendicationSerializer,
            400: ErrorSerializer,
            409: ErrorSerializer,
            413: ErrorSerializer,
        },
    )
    def create(self, request):
        """Claim the entreprise of a SIRET (all its établissements) with a supporting document;
        staff decide, and the answer comes by e-mail."""
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.CLAIM_DOCUMENT_MAX_BYTES + MULTIPART_OVERHEAD:  # body left unread
            raise too_large(length)
        form = RevendicationCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        claim = revendication_create(
            demandeur=request.user,
            siret=form.validated_data["siret"],
            document=form.validated_data["document"],
        )
        return Response(RevendicationSerializer(claim).data, status=status.HTTP_201_CREATED)


class ProEntrepriseListView(ListAPIView):
    """The établissements the signed-in account owns, with each pro-localisation's rating and
    its count of avis awaiting moderation."""

    permission_classes = [IsAuthenticated]
    serializer_class = OwnedEntrepriseSerializer
    pagination_class = BySiret
    filter_backends = []

    def get_queryset(self):
        return entreprises_owned(user=self.request.user)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "statut",
                enum=[s.value for s in Revendication.Statut],
                required=False,
                description="en_attente: the queue",
            )
        ]
    )
)
class ModerationRevendicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsAdminUser]
    serializer_class = ModerationRevendicationSerializer
    pagination_class = OldestFirst
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Revendication.objects.none()
        statut = self.request.query_params.get("statut") if self.action == "list" else None
        if statut and statut not in Revendication.Statut.values:
            raise ValidationError({"statut": f"« {statut[:40]} » n'est pas un statut connu."})
        return revendications_queue(statut=statut)

    @extend_schema(
        request=RevendicationDecisionSerializer,
        responses={200: ModerationRevendicationSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        """Approve (the claimant owns the SIREN's établissements) or refuse with a reason; a
        claim already decided, or a SIREN another account owns, is a 409."""
        claim = self.get_object()
        form = RevendicationDecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if form.validated_data["decision"] == "approuver":
            claim = revendication_approve(revendication_id=claim.pk, par=request.user)
        else:
            claim = revendication_refuse(
                revendication_id=claim.pk, par=request.user, motif=form.validated_data["motif"]
            )
        claim = revendications_queue().get(pk=claim.pk)
        return Response(self.get_serializer(claim).data)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the document (PDF, PNG or JPEG), as attachment"
            )
        }
    )
    @action(detail=True, url_path="document", url_name="document")
    def document(self, request, pk=None):
        claim = self.get_object()
        return document_response(
            file_name=claim.document_fichier,
            mime=claim.document_type,
            download_name=claim.document_download_name,
        )
