"""A local INSEE API Sirene 3.11 for tests and benchmarks: a small HTTP server speaking the real
protocol, so that the client is tested against the wire and not against mocks.

- `GET /siret?q=dateDernierTraitementEtablissement:[A TO B]&nombre=N&curseur=C`: deep paging
  as INSEE does it (results in SIRET order; `header.curseur` / `header.curseurSuivant`; the
  page after the last result repeats the cursor with `nombre` 0), `total` in the header;
  `[`/`]` include a bound, `{`/`}` exclude it.
- `GET /siret/{siret}` and `GET /informations`: the real recorded responses of
  tests/fixtures/insee-api-3.11 (and any établissement added).
- The key header `X-INSEE-Api-Key-Integration` (401 without the right key), INSEE's
  `X-Rate-Limit-*` headers, and a quota over a moving window (429 with `Retry-After` once it is
  used up); errors use INSEE's documented body (`{"header": {"statut", "message"}}`).
- `fail_next(status, times)` scripts failures (503, 429, timeouts...) for retry tests.

Generated établissements (`generated_etablissements`) take the recorded établissement's shape
and the synthetic stock generator's values, for pages at scale.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import math
import random
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from foxreviews.core.tests.local_server import LocalHttpServer
from foxreviews.imports.sirene.generator import SireneGenerator
from foxreviews.imports.sirene.layout import STOCK_ETABLISSEMENT_COLUMNS

FIXTURES = Path(__file__).resolve().parents[3] / "tests/fixtures/insee-api-3.11"
KEY_HEADER = "X-INSEE-Api-Key-Integration"
QUERY = re.compile(r"^dateDernierTraitementEtablissement:([\[{])(\S+) TO (\S+)([\]}])$")


def closed_port() -> int:
    """A local port nobody listens on (bound a moment ago, then released): INSEE out of reach."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# INSEE_API_URLs nobody answers at ({port}: closed_port()), with how the client says so
UNREACHABLE = [
    ("http://127.0.0.1:{port}/api-sirene/3.11", "connection refused"),
    ("http://insee.invalid/api-sirene/3.11", "unknown host ("),
]


def recorded(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def recorded_etablissement() -> dict[str, Any]:
    return recorded("test_siret__test_siret_search__0__ca08ae2.json")["etablissement"]


@dataclass
class Failure:
    status: int  # 0: no answer at all (the client times out)
    retry_after: int | None = None


class InseeApiServer(LocalHttpServer):
    base_path = "/api-sirene/3.11"

    def __init__(
        self,
        *,
        api_key: str = "test-key",
        quota: int = 30,
        window: float = 60.0,
        etablissements: list[dict[str, Any]] | None = None,
        delay: float = 0.0,
    ) -> None:
        self.api_key, self.quota, self.window, self.delay = api_key, quota, window, delay
        self.lock = threading.Lock()
        self.accepted: deque[float] = deque()  # times of the requests counted in the quota
        self.log: list[tuple[float, str, int]] = []  # (time, path, status) of every request
        self.failures: deque[Failure] = deque()
        self.etablissements: list[dict[str, Any]] = []
        self.add([recorded_etablissement()])
        self.add(etablissements or [])

    # -- control ---------------------------------------------------------------------------
    def add(self, etablissements: list[dict[str, Any]]) -> None:
        with self.lock:
            self.etablissements = sorted(
                {e["siret"]: e for e in [*self.etablissements, *etablissements]}.values(),
                key=lambda e: e["siret"],
            )

    def fail_next(self, status: int, times: int = 1, *, retry_after: int | None = None) -> None:
        self.failures.extend(Failure(status, retry_after) for _ in range(times))

    def statuses(self) -> list[int]:
        return [status for _, _, status in self.log]

    # -- one request -----------------------------------------------------------------------
    def handle(self, request: BaseHTTPRequestHandler) -> None:
        url = urlsplit(request.path)
        status, body, headers = self._answer(request, url.path, parse_qs(url.query))
        with self.lock:
            self.log.append((time.time(), request.path, status))
        if status == 0:  # a scripted silence: hold the connection until the client gives up
            time.sleep(5)
            return
        if self.delay:
            time.sleep(self.delay)
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        request.send_response(status)
        request.send_header("Content-Type", "application/json;charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)

    def _answer(self, request, path: str, params: dict[str, list[str]]):
        if request.headers.get(KEY_HEADER) != self.api_key:
            return 401, _error(401, "Clé d'API invalide ou absente"), {}
        with self.lock:
            now = time.time()
            while self.accepted and self.accepted[0] <= now - self.window:
                self.accepted.popleft()
            if len(self.accepted) >= self.quota:
                wait = self.accepted[0] + self.window - now
                return (
                    429,
                    _error(429, "Trop de requêtes : quota d'interrogation de l'API dépassé"),
                    {"Retry-After": str(max(1, math.ceil(wait))), **self._rate_headers(now)},
                )
            self.accepted.append(now)
            rate = self._rate_headers(now)
            failure = self.failures.popleft() if self.failures else None
        if failure is not None:
            extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            return failure.status, _error(failure.status, "Service indisponible"), extra
        prefix = "/api-sirene/3.11"
        if not path.startswith(prefix):
            return 404, _error(404, "Ressource inconnue"), rate
        path = path[len(prefix) :].rstrip("/")
        if path == "/informations":
            return 200, recorded("test_v3_11__test_informations__1__afa00e1.json"), rate
        if path.startswith("/siret/"):
            return self._one(path.removeprefix("/siret/"), rate)
        if path == "/siret":
            return self._search(params, rate)
        return 404, _error(404, "Ressource inconnue"), rate

    def _rate_headers(self, now: float) -> dict[str, str]:
        reset = (self.accepted[0] + self.window) if self.accepted else now
        return {
            "X-Rate-Limit-Limit": str(self.quota),
            "X-Rate-Limit-Remaining": str(max(0, self.quota - len(self.accepted))),
            "X-Rate-Limit-Reset": str(int(reset * 1000)),
        }

    def _one(self, siret: str, rate):
        with self.lock:
            found = next((e for e in self.etablissements if e["siret"] == siret), None)
        if found is None:
            return 404, _error(404, f"Aucun élément trouvé pour le siret {siret}"), rate
        return 200, {"header": {"statut": 200, "message": "ok"}, "etablissement": found}, rate

    def _search(self, params: dict[str, list[str]], rate):
        q = params.get("q", [""])[0]
        cursor = params.get("curseur", [None])[0]
        try:
            nombre = int(params.get("nombre", ["20"])[0])
        except ValueError:
            nombre = -1
        if not 0 <= nombre <= 1000:
            return 400, _error(400, "Le paramètre nombre doit être compris entre 0 et 1000"), rate
        match = QUERY.match(q) if q else None
        if q and match is None:
            return 400, _error(400, f"Erreur de syntaxe dans le paramètre q={q}"), rate
        with self.lock:
            found = self.etablissements
            if match:
                found = [e for e in found if _in_range(e, *match.groups())]
        if not found:
            return 404, _error(404, f"Aucun élément trouvé pour q={q}"), rate
        start, header_cursor = 0, {}
        if cursor is not None:
            after = _decode(cursor) if cursor != "*" else ""
            start = next((i for i, e in enumerate(found) if e["siret"] > after), len(found))
            header_cursor = {"curseur": cursor}
        page = found[start : start + nombre]
        if cursor is not None:
            following = _encode(page[-1]["siret"]) if page else cursor
            header_cursor["curseurSuivant"] = following
        header = {
            "statut": 200, "message": "OK", "total": len(found),
            "debut": start if cursor is None else 0, "nombre": len(page), **header_cursor,
        }  # fmt: skip
        return 200, {"header": header, "etablissements": page}, rate


def _in_range(etablissement: dict[str, Any], opening: str, low: str, high: str, closing: str):
    value = (etablissement.get("dateDernierTraitementEtablissement") or "")[:19]
    above = value >= low if opening == "[" else value > low
    below = value <= high if closing == "]" else value < high
    return above and below


def _encode(siret: str) -> str:
    return base64.urlsafe_b64encode(b"\x02\x81" + siret.encode()).decode().rstrip("=")


def _decode(cursor: str) -> str:
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    return raw[2:].decode()


def _error(status: int, message: str) -> dict[str, Any]:
    return {"header": {"statut": status, "message": message}}


# -- établissements at scale -------------------------------------------------------------------
_COLUMNS = list(STOCK_ETABLISSEMENT_COLUMNS)
_ADDRESS = _COLUMNS[_COLUMNS.index("complementAdresseEtablissement") : _COLUMNS.index(
    "coordonneeLambertOrdonneeEtablissement") + 1]  # fmt: skip
_ADDRESS2 = _COLUMNS[_COLUMNS.index("complementAdresse2Etablissement") : _COLUMNS.index(
    "libellePaysEtranger2Etablissement") + 1]  # fmt: skip
_PERIOD = _COLUMNS[_COLUMNS.index("dateDebut") :]


def generated_etablissements(
    count: int, *, since: dt.datetime, until: dt.datetime, seed: int = 7
) -> list[dict[str, Any]]:
    """`count` établissements in the recorded one's shape, changed between since and until."""
    generator = SireneGenerator(seed=seed, invalid_share=0.0)
    rng = random.Random(seed)
    span = (until - since).total_seconds()
    template = recorded_etablissement()
    out = []
    for row in generator.rows(count):
        values = dict(zip(generator.columns, [value or None for value in row], strict=True))
        moment = since + dt.timedelta(seconds=rng.uniform(0, span))
        etablissement = {
            name: values[name] for name in _COLUMNS if name not in (*_ADDRESS, *_ADDRESS2, *_PERIOD)
        }
        etablissement.update(
            etablissementSiege=values["etablissementSiege"] == "true",
            nombrePeriodesEtablissement=1,
            dateDernierTraitementEtablissement=moment.isoformat(timespec="milliseconds"),
            uniteLegale={
                **copy.deepcopy(template["uniteLegale"]),
                "denominationUniteLegale": f"SOCIETE {values['siren']}",
                "nomUniteLegale": None,
                "prenom1UniteLegale": None,
            },
            adresseEtablissement={name: values[name] for name in _ADDRESS},
            adresse2Etablissement={name: values[name] for name in _ADDRESS2},
            periodesEtablissement=[
                {"dateFin": None, **{name: values[name] for name in _PERIOD}},
            ],
        )
        out.append(etablissement)
    return out
