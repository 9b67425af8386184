"""A local Stripe API for tests: the two calls the platform makes, over HTTP as Stripe speaks
them (form-encoded bodies with bracketed keys, Bearer key, JSON answers shaped like the API
reference's examples, Stripe's error body), so the provider is tested against the wire.

- `POST /v1/checkout/sessions` → a Checkout Session (`id` cs_test_..., `url` on
  checkout.stripe.com, `status` open);
- `POST /v1/refunds` → a Refund (`status` succeeded);
- `fail_next(status)`: the next call answers Stripe's error body with that status (Stripe's
  library retries a 5xx, not a 4xx).
Every request is kept (`requests`: path, Authorization header, decoded form).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


class StripeServer:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.failures: list[int] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = dict(parse_qsl(body, keep_blank_values=True))
                server.requests.append(
                    {"path": self.path, "auth": self.headers.get("Authorization"), "form": form}
                )
                if server.failures:
                    status = server.failures.pop(0)
                    kind = "api_error" if status >= 500 else "invalid_request_error"
                    self._answer(status, {"error": {"type": kind, "message": "Refusé (test)."}})
                elif self.path == "/v1/checkout/sessions":
                    session = f"cs_test_a1{secrets.token_hex(20)}"
                    self._answer(200, {
                        "id": session, "object": "checkout.session", "mode": "payment",
                        "status": "open", "payment_status": "unpaid",
                        "url": f"https://checkout.stripe.com/c/pay/{session}",
                        "amount_total": int(form["line_items[0][price_data][unit_amount]"]),
                        "currency": "eur", "client_reference_id": form.get("client_reference_id"),
                        "expires_at": int(form["expires_at"]), "created": int(time.time()),
                        "livemode": False, "metadata": {"commande": form.get("metadata[commande]")},
                    })  # fmt: skip
                elif self.path == "/v1/refunds":
                    self._answer(200, {
                        "id": f"re_{secrets.token_hex(12)}", "object": "refund",
                        "payment_intent": form.get("payment_intent"), "status": "succeeded",
                        "currency": "eur", "created": int(time.time()),
                    })  # fmt: skip
                else:
                    message = f"Unrecognized request URL (POST: {self.path})."
                    self._answer(
                        404, {"error": {"type": "invalid_request_error", "message": message}}
                    )

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{secrets.token_hex(7)}")
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def fail_next(self, status: int) -> None:
        self.failures.append(status)

    def __enter__(self) -> StripeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
