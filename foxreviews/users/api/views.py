"""POST /api/auth/token/: an account's API token, for clients that are not a browser."""

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.settings import api_settings

from foxreviews.core.api.throttling import RateThrottle


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
    """Username and password in, `{"token": ...}` out; send it as `Authorization: Token ...`.
    Limited like every endpoint, and per address and per account (DRF's own view is not:
    passwords would be guessable at full speed)."""

    throttle_classes = [
        *api_settings.DEFAULT_THROTTLE_CLASSES, SignInAddressThrottle, SignInAccountThrottle,
    ]  # fmt: skip
