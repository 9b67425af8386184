"""The `foxreviews` command: the operator's single entry point.

foxreviews up        bring the platform up (servers, data, web, worker, beat)
foxreviews status    say what runs
foxreviews down      stop a running `up`, or the embedded servers
foxreviews import FILE [options]              bulk import of a SIRENE stock file or CSV
foxreviews sync-insee [--since D] [--until D]  the établissements INSEE's API changed
foxreviews generate-sirene --rows N --out F   a realistic synthetic stock file
foxreviews backup [--dir D]                   pg_dump + manifest, keeps 7 daily and 4 weekly
foxreviews restore FILE --into NAME           into a new database, checksum and row counts checked
foxreviews describe [--limit N]               descriptions written by AI, as drafts to review
foxreviews manage …  any Django management command (migrate, createsuperuser, …)
"""

from __future__ import annotations

import argparse
import os
import sys


def _django_manage(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    from .runtime.bootstrap import command_environment

    with command_environment():
        execute_from_command_line(["foxreviews manage", *argv])
    return 0


def _generate_sirene(argv: list[str]) -> int:
    """Needs no database: runs without Django, and starts no server."""
    from .imports.sirene.generator import add_arguments, generate_and_report

    parser = argparse.ArgumentParser(prog="foxreviews generate-sirene")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        print(generate_and_report(rows=args.rows, out=args.out, seed=args.seed, bom=args.bom,
                                  no_naf25=args.no_naf25))  # fmt: skip
    except ValueError as exc:
        parser.exit(2, f"foxreviews generate-sirene: {exc}\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="foxreviews", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="run the whole platform until Ctrl-C")
    up.add_argument("--host", default=os.environ.get("FOXREVIEWS_HOST", "127.0.0.1"))
    up.add_argument("--port", type=int, default=int(os.environ.get("FOXREVIEWS_PORT", "8000")))
    up.add_argument("--no-demo", action="store_true", help="do not load the demo data set")
    up.add_argument(
        "--demo-count",
        type=int,
        default=int(os.environ.get("FOXREVIEWS_DEMO_ENTREPRISES", "3000")),
        help="entreprises in the demo data set (default 3000)",
    )
    up.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")

    sub.add_parser("status", help="say what runs")
    sub.add_parser("down", help="stop a running `foxreviews up`, or the embedded servers")
    sub.add_parser("manage", help="run a Django management command", add_help=False)
    for name, (_, text) in DJANGO_ALIASES.items():
        sub.add_parser(name, help=text, add_help=False)
    sub.add_parser("generate-sirene", help="write a synthetic StockEtablissement file",
                   add_help=False)  # fmt: skip
    return parser


# `foxreviews NAME ...` runs the Django command, every argument passed through as is.
DJANGO_ALIASES = {
    "import": ("import_entreprises_bulk", "bulk import of a SIRENE stock file (or CSV)"),
    "sync-insee": ("sync_insee", "the établissements INSEE's API changed (daily sync)"),
    "backup": ("backup", "back up the database (pg_dump, manifest, retention)"),
    "restore": ("restore", "restore a backup into a new database and check it"),
    "describe": ("ai_describe", "descriptions written by AI for the pros without one (drafts)"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "generate-sirene":
        return _generate_sirene(argv[1:])
    if argv and argv[0] in DJANGO_ALIASES:
        return _django_manage([DJANGO_ALIASES[argv[0]][0], *argv[1:]])
    if argv and argv[0] == "manage":
        return _django_manage(argv[1:])
    args = build_parser().parse_args(argv)
    os.environ.setdefault("FOXREVIEWS_PROCESS", "foxreviews")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from .core.logging import build_logging_config

    build_logging_config(level=os.environ.get("LOG_LEVEL", "INFO"), process_name="foxreviews")
    from .runtime import supervisor

    if args.command == "up":
        options = supervisor.UpOptions(
            host=args.host,
            port=args.port,
            demo=not args.no_demo,
            demo_count=args.demo_count,
            worker_concurrency=args.concurrency,
        )
        return supervisor.up(options)
    if args.command == "status":
        return supervisor.status()
    if args.command == "down":
        return supervisor.down()
    return 2


if __name__ == "__main__":
    sys.exit(main())
