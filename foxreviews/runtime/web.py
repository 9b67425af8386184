"""The web process: uvicorn serving config.asgi (HTTP + websockets) with the platform's logging."""

import argparse
import os

FALSE = {"0", "false", "no", "off"}


def main() -> None:
    parser = argparse.ArgumentParser(prog="foxreviews-web")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
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

    django.setup()  # applies our logging config; uvicorn then leaves logging alone
    import uvicorn

    from foxreviews.runtime.balance import SCOREBOARD_ENV, create_scoreboard

    scoreboard = None
    if args.workers > 1 and os.environ.get("WEB_REBALANCE", "true").lower() not in FALSE:
        scoreboard = create_scoreboard()  # the workers' (runtime/balance.py)
        os.environ[SCOREBOARD_ENV] = str(scoreboard)
    try:
        uvicorn.run(
            "config.asgi:application",
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_config=None,
            lifespan="off",
            proxy_headers=True,
            timeout_graceful_shutdown=10,
        )
    finally:
        if scoreboard is not None:
            scoreboard.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
