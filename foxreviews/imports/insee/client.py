"""A client of INSEE's API Sirene 3.11 (`GET /siret`), on httpx.

Every request first takes a permit from the cluster-wide quota (limiter.py). What INSEE answers
decides what happens next: 404 is an empty result; 429 waits for the Retry-After INSEE gives;
500, 502, 503, 504 and timeouts are tried again with exponential backoff and jitter (tenacity);
401 and 403, a refused connection and an unknown host stop at once with one line saying what to
fix (the Celery task tries again minutes later; the command line says it now).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from foxreviews.core.exceptions import ApplicationError
from foxreviews.core.retrying import Retry, retry_after_seconds, retrying

from .limiter import QuotaLimiter

KEY_HEADER = "X-INSEE-Api-Key-Integration"
PAGE_SIZE = 1000  # the most INSEE gives per request
RETRIED_STATUSES = {500, 502, 503, 504}


class InseeError(ApplicationError):
    """INSEE's API cannot be used now (after the retries), or refuses us for good."""


class InseeAuthError(InseeError):
    pass


@dataclass
class Page:
    etablissements: list[dict[str, Any]]
    total: int
    cursor: str
    next_cursor: str

    @property
    def last(self) -> bool:
        """INSEE's last page repeats its cursor as the next one."""
        return self.next_cursor == self.cursor or not self.etablissements


class InseeClient:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        limiter: QuotaLimiter,
        timeout: float = 30.0,
        attempts: int = 6,
        backoff: float = 1.0,
        sleep: Callable[[float], None] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not api_key:
            raise InseeAuthError(
                "INSEE_API_KEY is not set: create an application on portail-api.insee.fr, "
                "subscribe it to API Sirene and put its key in INSEE_API_KEY."
            )
        self.limiter = limiter
        self.http = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers={KEY_HEADER: api_key, "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )
        self._retrying = retrying(
            attempts=attempts, backoff=backoff, event="insee request retried", sleep=sleep
        )

    @classmethod
    def from_settings(cls, **overrides) -> InseeClient:
        options = {
            "base_url": settings.INSEE_API_URL,
            "api_key": settings.INSEE_API_KEY,
            "timeout": settings.INSEE_API_TIMEOUT,
            "attempts": settings.INSEE_API_ATTEMPTS,
            "backoff": settings.INSEE_API_BACKOFF,
        }
        options.update(overrides)
        options.setdefault(
            "limiter",
            QuotaLimiter(
                storage_url=settings.INSEE_RATE_LIMIT_URL,
                rate=settings.INSEE_API_RATE,
                margin_seconds=settings.INSEE_API_RATE_MARGIN,
                api_key=options["api_key"],
            ),
        )
        return cls(**options)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> InseeClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the API ---------------------------------------------------------------------------
    def siret_page(self, *, q: str, cursor: str = "*", nombre: int = PAGE_SIZE) -> Page:
        """One page of `GET /siret?q=...` from `cursor`; an empty page when nothing matches."""
        params = {"q": q, "nombre": str(nombre), "curseur": cursor}
        body = self._get("siret", params)
        if body is None:  # 404: no établissement matches
            return Page(etablissements=[], total=0, cursor=cursor, next_cursor=cursor)
        header = body.get("header") or {}
        return Page(
            etablissements=body.get("etablissements") or [],
            total=int(header.get("total") or 0),
            cursor=header.get("curseur") or cursor,
            next_cursor=header.get("curseurSuivant") or cursor,
        )

    # -- one request -----------------------------------------------------------------------
    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any] | None:
        try:
            return self._retrying(self._get_once, path, params)
        except Retry as exc:
            raise InseeError(
                f"INSEE's API did not answer after {self._retrying.stop.max_attempt_number} "
                f"attempts ({exc.reason}); the sync resumes from where it stopped."
            ) from None

    def _get_once(self, path: str, params: dict[str, str]) -> dict[str, Any] | None:
        self.limiter.acquire()
        try:
            response = self.http.get(path, params=params)
        except httpx.TimeoutException as exc:
            raise Retry(f"timeout: {type(exc).__name__}") from exc
        except httpx.ConnectError as exc:  # nobody listens, or no such host: no use waiting
            raise InseeError(
                f"INSEE's API is out of reach at {self.http.base_url}: {_connect_failure(exc)}; "
                "check INSEE_API_URL and this machine's network."
            ) from None
        except httpx.TransportError as exc:
            raise Retry(f"{type(exc).__name__}: {exc}") from exc
        status = response.status_code
        if status == 200:
            return response.json()
        if status == 404:
            return None
        if status == 429:
            raise Retry("429 quota exceeded", after=_retry_after(response))
        if status in RETRIED_STATUSES:
            raise Retry(f"HTTP {status}", after=None)
        if status in (401, 403):
            raise InseeAuthError(
                f"INSEE refused the API key (HTTP {status}): check INSEE_API_KEY and that its "
                "application is subscribed to API Sirene."
            )
        raise InseeError(f"INSEE answered HTTP {status}: {_message(response)}")


def _connect_failure(exc: httpx.ConnectError) -> str:
    """Why the connection failed, as an operator reads it."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return f"unknown host ({cause.strerror or cause})"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        cause = cause.__cause__ or cause.__context__
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _retry_after(response: httpx.Response) -> float:
    seconds = retry_after_seconds(response.headers.get("Retry-After"))
    return 60.0 if seconds is None else seconds  # a quota is per minute: a window is enough


def _message(response: httpx.Response) -> str:
    try:
        header = response.json().get("header") or {}
        return str(header.get("message") or "")[:200]
    except ValueError:
        return response.text[:200]
