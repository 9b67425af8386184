"""Accounts over HTTP: sign-up, e-mail verification, password reset (django-allauth underneath,
see users.services), and POST /api/auth/token/, an account's API token."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from foxreviews.core.api.schema import ErrorSerializer
from foxreviews.core.api.throttling import RateThrottle
from foxreviews.users.services import (
    account_signup,
    account_verify_email,
    password_reset_confirm,
    password_reset_request,
)

from .serializers import (
    EmailSerializer,
    KeySerializer,
    MessageSerializer,
    PasswordResetConfirmSerializer,
    SignupAnswerSerializer,
    SignupSerializer,
    TokenSerializer,
    VerifiedSerializer,
)


class SignInAddressThrottle(RateThrottle):
    """Sign-in attempts from one address, whatever the account."""

    scope = "signin_address"

    def key(self, request: Request) -> str | None:
        return self.get_ident(request)


class SignInAccountThrottle(RateThrottle):
    """Sign-in attempts on one account, from any number of addresses."""

    scope = "signin_account"

    def key(self, request: Request) -> str | None:
        data = request.data if hasattr(request.data, "get") else {}
        return str(data.get("username") or "").strip().lower()[:150] or None


class TokenView(ObtainAuthToken):
    """Username (for an account made by sign-up: its e-mail address) and password in,
    `{"token": ...}` out; send it as `Authorization: Token ...`. Limited like every endpoint,
    and per address and per account (DRF's own view is not: passwords would be guessable at
    full speed)."""

    serializer_class = TokenSerializer
    throttle_classes = [
        *api_settings.DEFAULT_THROTTLE_CLASSES, SignInAddressThrottle, SignInAccountThrottle,
    ]  # fmt: skip


class SignupAddressThrottle(RateThrottle):
    """Sign-ups and reset requests from one address."""

    scope = "signup_address"

    def key(self, request: Request) -> str | None:
        return self.get_ident(request)


class SignupEmailThrottle(RateThrottle):
    """Sign-ups and reset requests naming one e-mail address: its mailbox is not flooded."""

    scope = "signup_email"

    def key(self, request: Request) -> str | None:
        data = request.data if hasattr(request.data, "get") else {}
        return str(data.get("email") or "").strip().lower()[:254] or None


MAILING_THROTTLES = [*api_settings.DEFAULT_THROTTLE_CLASSES, SignupAddressThrottle,
                     SignupEmailThrottle]  # fmt: skip
ERRORS = {400: ErrorSerializer}


class SignupView(APIView):
    """A new account: 201 and a verification e-mail. An address that has an account already
    gets the same answer (and an e-mail saying so to its owner)."""

    throttle_classes = MAILING_THROTTLES

    @extend_schema(request=SignupSerializer, responses={201: SignupAnswerSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        data = SignupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account_signup(**data.validated_data)
        answer = {
            "email": data.validated_data["email"].strip().lower(),
            "nom_affiche": " ".join(data.validated_data["nom_affiche"].split()),
            "message": "Compte créé : confirmez votre adresse avec la clé envoyée par e-mail.",
        }
        return Response(answer, status=status.HTTP_201_CREATED)


class VerifyEmailView(APIView):
    @extend_schema(request=KeySerializer, responses={200: VerifiedSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        data = KeySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        address = account_verify_email(key=data.validated_data["key"], request=request)
        return Response({"email": address.email, "message": "Adresse e-mail vérifiée."})


class PasswordResetView(APIView):
    """A reset key by e-mail; the same answer whether the address has an account or not."""

    throttle_classes = MAILING_THROTTLES

    @extend_schema(request=EmailSerializer, responses={200: MessageSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        data = EmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset_request(email=data.validated_data["email"])
        message = "Si un compte a cette adresse, une clé de réinitialisation lui a été envoyée."
        return Response({"message": message})


class PasswordResetConfirmView(APIView):
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, SignupAddressThrottle]

    @extend_schema(
        request=PasswordResetConfirmSerializer, responses={200: MessageSerializer, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        data = PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset_confirm(**data.validated_data)
        return Response({"message": "Mot de passe changé : connectez-vous avec le nouveau."})
