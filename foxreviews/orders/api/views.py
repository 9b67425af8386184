"""Sponsorship offers and orders, and the payment provider's webhook."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foxreviews.core.api.schema import ErrorSerializer
from foxreviews.core.pagination import KeysetPagination
from foxreviews.orders.models import Commande
from foxreviews.orders.selectors import commande_get, commande_list, offre_for
from foxreviews.orders.services import commande_place, payment_webhook_process

from .serializers import (
    CommandeCreateSerializer,
    CommandeSerializer,
    OffreQuerySerializer,
    OffreSerializer,
)


class OffreView(APIView):
    """Prices (1, 3 or 12 months) and free slots of a pro-localisation's market."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OffreQuerySerializer],
        responses={200: OffreSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        query = OffreQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        offre = offre_for(prolocalisation_id=query.validated_data["prolocalisation"])
        if offre is None:
            raise NotFound("Aucune pro-localisation active avec cet identifiant.")
        return Response(OffreSerializer(offre).data)


class CommandePagination(KeysetPagination):
    orderings = {"-created": ("-created_at", "-id")}  # commande_client_idx, commande_created_idx


class CommandeListView(ListAPIView):
    """GET: the account's orders (staff: every order), newest first. POST: an order by the
    owner of the pro-localisation's entreprise; 201 with its payment URL, 409 when no slot is
    free or it is sponsored already."""

    permission_classes = [IsAuthenticated]
    serializer_class = CommandeSerializer
    pagination_class = CommandePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the model
            return Commande.objects.none()
        return commande_list(user=self.request.user)

    @extend_schema(
        request=CommandeCreateSerializer,
        responses={
            201: CommandeSerializer,
            404: ErrorSerializer,  # no such active pro-localisation
            409: ErrorSerializer,  # no free slot, sponsored already, no price
            502: ErrorSerializer,  # the payment provider did not create the session
            503: ErrorSerializer,  # no payment provider configured
        },
    )
    def post(self, request: Request) -> Response:
        data = CommandeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commande = commande_place(
            user=request.user,
            prolocalisation_id=data.validated_data["prolocalisation"],
            duree_mois=data.validated_data["duree_mois"],
        )
        commande = commande_get(user=request.user, commande_id=commande.pk)
        return Response(CommandeSerializer(commande).data, status=status.HTTP_201_CREATED)


class CommandeDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CommandeSerializer)
    def get(self, request: Request, pk: int) -> Response:
        commande = commande_get(user=request.user, commande_id=pk)
        if commande is None:  # another account's order is as absent as a missing one
            raise NotFound("Aucune commande avec cet identifiant.")
        return Response(CommandeSerializer(commande).data)


class PaymentWebhookView(APIView):
    """The payment provider's events (Stripe's, or the local test provider's), signed in the
    Stripe-Signature header; 400 when the signature does not verify."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request={"application/json": {"type": "object"}},
        responses={200: inline_serializer("WebhookResult", {"resultat": serializers.CharField()})},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        result = payment_webhook_process(
            payload=request.body, signature=request.headers.get("Stripe-Signature")
        )
        return Response({"resultat": result})
