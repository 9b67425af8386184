"""POST /api/realtime/ticket/: a one-time ticket to open a websocket or an SSE stream."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foxreviews.core.api.throttling import UserRateThrottle

from ..tickets import ticket_issue


class TicketRateThrottle(UserRateThrottle):
    scope = "realtime_ticket"


class TicketView(APIView):
    permission_classes = [IsAuthenticated]

    def get_throttles(self):
        return [*super().get_throttles(), TicketRateThrottle()]

    @extend_schema(
        summary="Ticket de connexion temps réel (usage unique, 60 s)",
        description=(
            "Pour ouvrir un websocket (`?ticket=` ou sous-protocole `ticket.<ticket>`) ou le "
            "flux SSE `/api/realtime/events/?ticket=` sans cookie de session. Valable une fois, "
            "pendant `expires_in` secondes."
        ),
        request=None,
        responses={
            201: inline_serializer(
                "RealtimeTicket",
                {"ticket": serializers.CharField(), "expires_in": serializers.IntegerField()},
            )
        },
    )
    def post(self, request: Request) -> Response:
        return Response(
            {
                "ticket": ticket_issue(user_id=request.user.pk),
                "expires_in": settings.REALTIME_TICKET_SECONDS,
            },
            status=status.HTTP_201_CREATED,
        )
