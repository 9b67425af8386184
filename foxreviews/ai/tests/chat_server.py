"""A local OpenAI-compatible chat API for tests: `POST /v1/chat/completions` as the real one
answers it (the `chat.completion` object, OpenAI's error bodies, `Authorization: Bearer`, 429
with `retry-after`), so the provider is tested through the `openai` package and the wire.

What it writes is the test's choice (`reply(messages) -> str`); by default the offline writer's
text from the facts the prompt holds; `fail_next(status, times)` scripts failures."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

from foxreviews.ai.facts import Faits
from foxreviews.ai.writer import OfflineWriter
from foxreviews.core.tests.local_server import LocalHttpServer

ERRORS = {
    401: ("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
    429: ("Rate limit reached for requests.", "requests", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request.", "server_error", None),
    503: ("The engine is currently overloaded, please try again later.", "server_error", None),
}


def facts_in(messages: list[dict[str, str]]) -> Faits:
    """The facts the prompt gives (the JSON block of the user message)."""
    user = next(m["content"] for m in messages if m["role"] == "user")
    block = re.search(r"\{.*\}", user, re.DOTALL)
    assert block is not None, "no facts in the prompt"
    return Faits.from_dict(json.loads(block.group()))


def honest(messages: list[dict[str, str]]) -> str:
    return OfflineWriter().write(facts_in(messages))


class ChatApiServer(LocalHttpServer):
    base_path = "/v1"

    def __init__(
        self,
        *,
        api_key: str = "test-ai-key",
        reply: Callable[[list[dict[str, str]]], str] = honest,
    ) -> None:
        self.api_key, self.reply = api_key, reply
        self.lock = threading.Lock()
        self.log: list[tuple[float, int]] = []  # (time, status) of every request
        self.bodies: list[dict[str, Any]] = []
        self.failures: deque[tuple[int, str | None]] = deque()

    def fail_next(self, status: int, times: int = 1, *, retry_after: str | None = None) -> None:
        self.failures.extend((status, retry_after) for _ in range(times))

    def statuses(self) -> list[int]:
        return [status for _, status in self.log]

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = json.loads(request.rfile.read(length) or b"{}")
        status, answer, headers = self._answer(request, body)
        with self.lock:
            self.log.append((time.time(), status))
            self.bodies.append(body)
        data = json.dumps(answer, ensure_ascii=False).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.send_header("x-request-id", f"req_{len(self.log):08d}")
        for name, value in headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)

    def _answer(self, request, body: dict[str, Any]):
        if request.path.rstrip("/") != "/v1/chat/completions":
            return 404, _error(404, "Unknown request URL", "invalid_request_error", None), {}
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return 401, _error(401, *ERRORS[401]), {}
        with self.lock:
            failure = self.failures.popleft() if self.failures else None
        if failure is not None:
            status, retry_after = failure
            headers = {"retry-after": retry_after} if retry_after is not None else {}
            return status, _error(status, *ERRORS.get(status, ERRORS[500])), headers
        content = self.reply(body["messages"])
        words = len(content.split())
        return (
            200,
            {
                "id": f"chatcmpl-{len(self.log):010d}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": None},
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": 250,
                    "completion_tokens": words * 2,
                    "total_tokens": 250 + words * 2,
                },
                "system_fingerprint": "fp_local",
            },
            {},
        )


def _error(status: int, message: str, kind: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
