"""ASGI entry point: HTTP through Django's WSGI handler in a thread pool, websockets through
Channels.

Every HTTP view and middleware of the platform is synchronous. Under Django's ASGI handler a
request hops between the event loop and a thread at each middleware (a dozen hops: about 4 ms
of a 5 ms autocomplete); a2wsgi runs the whole WSGI request in one pool thread instead, one hop
in and out. Websockets stay on the event loop with Channels.
"""

import os

from a2wsgi import WSGIMiddleware
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django_wsgi_app = get_wsgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from foxreviews.realtime.routing import websocket_urlpatterns  # noqa: E402
from foxreviews.runtime.balance import rebalanced  # noqa: E402

application = ProtocolTypeRouter(
    {
        # as many threads as pooled connections: a request never waits for one in a thread
        # spread over the web workers (runtime/balance.py: when there are several)
        "http": rebalanced(WSGIMiddleware(django_wsgi_app, workers=settings.WEB_THREADS)),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
