"""POST /api/auth/token/: an account's API token, for clients that are not a browser."""

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.settings import api_settings


class TokenView(ObtainAuthToken):
    """Username and password in, `{"token": ...}` out; send it as `Authorization: Token ...`.
    Rate-limited like every other endpoint (DRF's own view is not: passwords would be
    guessable at full speed)."""

    throttle_classes = api_settings.DEFAULT_THROTTLE_CLASSES
