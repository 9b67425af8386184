"""ASGI entry point: HTTP through Django's WSGI handler in a thread pool (but the SSE stream of
foxreviews/realtime/sse.py, async), websockets through Channels.

Every HTTP view and middleware of the platform is synchronous: a2wsgi runs a whole request in
one pool thread, where Django's ASGI handler would hop between the event loop and a thread at
each middleware.
"""

import gc
import os

from a2wsgi import WSGIMiddleware
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django_wsgi_app = get_wsgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from foxreviews.core.health import answer_liveness_first  # noqa: E402
from foxreviews.core.metrics import mark_this_process_dead_at_exit  # noqa: E402
from foxreviews.realtime.routing import websocket_application  # noqa: E402
from foxreviews.realtime.sse import http_application  # noqa: E402
from foxreviews.semantic.services import embedder_preload_in_background  # noqa: E402

application = ProtocolTypeRouter(
    {
        # as many threads as pooled connections: a request never waits for one in a thread;
        # the SSE stream /api/realtime/events/ is served here, async, holding no thread, and
        # the liveness probe GET /health/live/ answered by the event loop alone
        "http": answer_liveness_first(
            http_application(WSGIMiddleware(django_wsgi_app, workers=settings.WEB_THREADS))
        ),
        # an API client's token, or a page's session cookie (Origin checked)
        "websocket": websocket_application(),
    }
)

# its live gauges (open websockets) leave /metrics' sums when this web worker exits
mark_this_process_dead_at_exit()

# the embeddings model read now, beside the first requests, where there are vectors to search
embedder_preload_in_background()

# what the process loaded to start (Django, the apps, the URL configuration) lives as long as
# the process: out of the cyclic collector's sight, a full collection scans only what requests
# leave behind (it took ~70 ms every ~100 searches, scanning 140,000 objects)
gc.freeze()
