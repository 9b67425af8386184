#!/usr/bin/env python
"""The image's HEALTHCHECK: exit 0 when the web process answers GET $HEALTHCHECK_PATH with a 200.

Sent with the first host of DJANGO_ALLOWED_HOSTS (a leading dot or `*` dropped): Django answers
any other Host header with a 400. Standard library only, no Django: a check costs no start-up.
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("PORT") or "8000"
    # /health/live/ touches no data store: a database down does not get the process restarted
    path = os.environ.get("HEALTHCHECK_PATH") or "/health/live/"
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")]
    host = next((h.lstrip(".") for h in hosts if h.strip("*.")), "localhost")
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 (http on loopback)
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
