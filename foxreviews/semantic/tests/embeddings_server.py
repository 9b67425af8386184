"""A local OpenAI-compatible embeddings API for tests: `POST /v1/embeddings` as the
OpenAI reference documents it (Bearer key, `model`, `input` as a list, `dimensions`; the
answer's `data[i].index` and `embedding`, `usage`), with errors in OpenAI's body
(`{"error": {"message", "type", "code"}}`). `encoding_format` "base64" (the
client's default) answers little-endian float32 in base64, "float" a list. A text's vector is
drawn from its sha256: the same
text always gets the same vector, so tests can compute what the database must hold."""

from __future__ import annotations

import hashlib
import json
from base64 import b64encode
from http.server import BaseHTTPRequestHandler

import numpy as np

from foxreviews.core.tests.local_server import LocalHttpServer

KEY = "sk-test-embeddings"
MODEL = "text-embedding-3-small"


def vector_of(text: str, dimensions: int) -> list[float]:
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    return np.random.default_rng(seed).standard_normal(dimensions).round(6).tolist()


def _encoded(vector: list[float]) -> str:
    return b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode()


class EmbeddingsServer(LocalHttpServer):
    base_path = "/v1"

    def __init__(self, *, dimensions: int | None = None) -> None:
        self.requests: list[dict] = []
        self.forced_dimensions = dimensions  # answer this size whatever is asked (a bad model)

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        body = json.loads(request.rfile.read(int(request.headers["Content-Length"])))
        self.requests.append(body)
        if request.path != "/v1/embeddings":
            return _error(request, 404, "Unknown path", "invalid_request_error")
        if request.headers.get("Authorization") != f"Bearer {KEY}":
            return _error(request, 401, "Incorrect API key provided", "invalid_api_key")
        if body.get("model") != MODEL:
            return _error(request, 404, f"The model {body.get('model')} does not exist",
                          "model_not_found")  # fmt: skip
        size = self.forced_dimensions or body.get("dimensions") or 1536
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        base64 = body.get("encoding_format") == "base64"
        data = [
            {"object": "embedding", "index": i,
             "embedding": _encoded(vector_of(text, size)) if base64 else vector_of(text, size)}
            for i, text in enumerate(texts)
        ]  # fmt: skip
        tokens = sum(len(text.split()) for text in texts)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return _send(request, 200, {"object": "list", "data": data, "model": MODEL, "usage": usage})


def _error(request: BaseHTTPRequestHandler, status: int, message: str, code: str) -> None:
    _send(request, status, {"error": {"message": message, "type": "invalid_request_error",
                                      "param": None, "code": code}})  # fmt: skip


def _send(request: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
    raw = json.dumps(payload).encode()
    request.send_response(status)
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(len(raw)))
    request.end_headers()
    request.wfile.write(raw)
