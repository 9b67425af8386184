"""Who writes a description: an OpenAI-compatible chat API when AI_API_URL, AI_API_KEY and
AI_MODEL are set (the `openai` package with its base_url), the offline writer otherwise.

A call to the API first takes a permit from the cluster-wide quota (AI_RATE, core/quota.py);
429 waits for the Retry-After the API gives, 5xx and timeouts are tried again with exponential
backoff (AI_RETRIES times, tenacity); other refusals stop at once with one clear line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.conf import settings

from foxreviews.core.exceptions import ApplicationError
from foxreviews.core.quota import SharedQuota
from foxreviews.core.retrying import Retry, retry_after_seconds, retrying

from .facts import Faits
from .prompt import PROMPT_VERSION, messages_for
from .writer import OfflineWriter

QUOTA_NAMESPACE = "ai-api"
RETRIED_STATUSES = {429, 500, 502, 503, 504}


class Provider(Protocol):
    name: str
    model: str
    prompt_version: str

    def write(self, faits: Faits) -> str: ...


class AiError(ApplicationError):
    """The AI API cannot be used now (after the retries), or refuses us for good."""


class QuotaExhausted(AiError):
    """No permit within AI_QUOTA_WAIT: the task tries again when the window has room."""

    def __init__(self, retry_in: float) -> None:
        super().__init__(f"Quota AI_RATE atteint : prochain essai dans {retry_in:.0f} s.")
        self.retry_in = retry_in


def ai_quota(*, rate: str | None = None, key: str | None = None) -> SharedQuota:
    return SharedQuota(
        storage_url=settings.AI_RATE_LIMIT_URL,
        rate=rate or settings.AI_RATE,
        namespace=QUOTA_NAMESPACE,
        key=key or "default",
        setting="AI_RATE",
    )


class ChatProvider:
    """An OpenAI-compatible `POST {base_url}/chat/completions`."""

    name = "openai-compatible"
    prompt_version = PROMPT_VERSION

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        quota: SharedQuota,
        retries: int = 2,
        backoff: float = 2.0,
        timeout: float = 60.0,
        quota_wait: float = 60.0,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        import openai  # only where an API is configured: a heavy import the web never needs

        self.model, self.quota, self.quota_wait = model, quota, quota_wait
        # our retries, not the package's: each attempt takes a permit from the shared quota
        self.client = openai.OpenAI(
            base_url=base_url, api_key=api_key, max_retries=0, timeout=timeout
        )
        self._retrying = retrying(
            attempts=retries + 1, backoff=backoff, event="ai request retried", sleep=sleep
        )

    @classmethod
    def from_settings(cls, **overrides) -> ChatProvider:
        options = {
            "base_url": settings.AI_API_URL,
            "api_key": settings.AI_API_KEY,
            "model": settings.AI_MODEL,
            "retries": settings.AI_RETRIES,
            "backoff": settings.AI_BACKOFF,
            "timeout": settings.AI_TIMEOUT,
            "quota_wait": settings.AI_QUOTA_WAIT,
        }
        options.update(overrides)
        options.setdefault("quota", ai_quota())
        return cls(**options)

    def write(self, faits: Faits) -> str:
        return self.complete(messages_for(faits))

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The API's answer to `messages`, under the quota and the retries (AiError else)."""
        try:
            return self._retrying(self._complete_once, messages)
        except Retry as exc:
            raise AiError(
                f"L'API d'IA n'a pas répondu après {self._retrying.stop.max_attempt_number} "
                f"essais ({exc.reason})."
            ) from None

    def _complete_once(self, messages: list[dict[str, str]]) -> str:
        import openai

        if self.quota.acquire(max_wait=self.quota_wait) is None:
            raise QuotaExhausted(self.quota.seconds_to_next())
        try:
            completion = self.client.chat.completions.create(
                model=self.model, messages=messages, temperature=0.3
            )
        except openai.APITimeoutError as exc:
            raise Retry("timeout") from exc
        except openai.APIConnectionError as exc:
            raise AiError(
                f"L'API d'IA est injoignable ({exc.__cause__ or exc}) : vérifiez AI_API_URL."
            ) from None
        except openai.APIStatusError as exc:
            if exc.status_code in RETRIED_STATUSES:
                raise Retry(
                    f"HTTP {exc.status_code}",
                    retry_after_seconds(exc.response.headers.get("retry-after")),
                ) from exc
            raise AiError(
                f"L'API d'IA a refusé la demande (HTTP {exc.status_code}) : {exc.message}"
            ) from None
        content = completion.choices[0].message.content if completion.choices else None
        if not content or not content.strip():
            raise AiError("L'API d'IA a répondu sans texte.")
        return " ".join(content.split())


def chat_api_configured() -> bool:
    return bool(settings.AI_API_URL and settings.AI_API_KEY and settings.AI_MODEL)


def provider_from_settings() -> Provider:
    if chat_api_configured():
        return ChatProvider.from_settings()
    return OfflineWriter()
