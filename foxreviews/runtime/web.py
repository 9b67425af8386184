"""The web process: uvicorn serving config.asgi (HTTP + websockets) with the platform's logging."""

import argparse
import contextlib
import os
import signal

from .metrics_dir import private_dir_unless_given


def main() -> None:
    parser = argparse.ArgumentParser(prog="foxreviews-web")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    # uvicorn's own workers; in a deployment the reverse proxy in front (nginx `least_conn`)
    # spreads the connections over the web processes
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_WORKERS") or 1),
        help="processes serving HTTP (one per core on a server); default WEB_WORKERS, else 1",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("FOXREVIEWS_PROCESS", "web")
    import django
    from django.conf import settings  # the settings only: nothing imports prometheus-client yet

    with contextlib.ExitStack() as stack:
        if settings.METRICS_ENABLED:  # the workers' series, summed by /metrics
            stack.enter_context(private_dir_unless_given())
            # uvicorn raises the SIGTERM it caught again once it has stopped: an exit that
            # unwinds (and removes the folder), with the status a SIGTERM gives
            signal.signal(signal.SIGTERM, _exit_on_signal)
        django.setup()  # applies our logging config; uvicorn then leaves logging alone
        serve(args)


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def serve(args: argparse.Namespace) -> None:
    import uvicorn
    from django.conf import settings

    # X-Forwarded-For and -Proto are believed only from these addresses (the proxy in front);
    # none by default: anyone on the machine could otherwise choose their address
    trusted = settings.WEB_FORWARDED_ALLOW_IPS
    uvicorn.run(
        "config.asgi:application",
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        lifespan="off",
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        timeout_graceful_shutdown=10,
        ws_ping_interval=settings.WEB_WS_PING_SECONDS,
        ws_ping_timeout=settings.WEB_WS_PING_SECONDS,
    )


if __name__ == "__main__":
    main()
