#!/usr/bin/env python
"""The web process under uvicorn's own workers or under gunicorn with uvicorn workers, side by side.

    .venv/bin/pip install gunicorn uvicorn-worker     # the candidates (not platform dependencies)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/foxreviews_deploybench \
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/web_server_bench.py --rounds 3

DATABASE_URL names a database that is migrated and has the reference data
(`manage.py migrate && manage.py load_reference_data`): the autocomplete reads its villes.
Both servers run at once with the production settings, the same number of worker processes
(--workers) and the same database; each round measures every endpoint on one server, then on
the other (the order alternating round by round), with `wrk -t1` on loopback: latency with 2
connections, then throughput with --connections. Medians over the rounds are printed and
appended to bench/RESULTS.md with the machine and the date. The servers it started are stopped
when it ends.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from api_bench import stop_server  # noqa: E402
from import_bench import machine, record  # noqa: E402

from foxreviews.runtime.ports import free_port, web_answers  # noqa: E402

ENDPOINTS = {"/health/": "/health/", "villes autocomplete": "/api/villes/autocomplete/?q=par"}
LUA = r"""
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99), summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""


def commands(ports: list[int], workers: int) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "uvicorn --workers": [python, "-m", "foxreviews.runtime.web", "--host", "127.0.0.1",
                              "--port", str(ports[0]), "--workers", str(workers)],
        "gunicorn + UvicornWorker": [python, "-m", "gunicorn", "config.asgi:application",
                                     "-k", "uvicorn_worker.UvicornWorker", "-w", str(workers),
                                     "-b", f"127.0.0.1:{ports[1]}"],
    }  # fmt: skip


def start(command: list[str], port: int, log: Path, **env_changes: str) -> subprocess.Popen:
    """The web process as in production (production settings, a key, no HTTPS redirect, no
    rate limit reached); `env_changes` last. Stopped with api_bench.stop_server."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "DJANGO_SECRET_KEY": "bench-only-not-a-secret-" * 3, "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "DJANGO_SSL_REDIRECT": "false", "FOXREVIEWS_PROCESS": "web", "LOG_LEVEL": "WARNING",
           "API_THROTTLE_ANON": "100000000/minute", "FOXREVIEWS_VAR_DIR": str(log.parent / "var"),
           "PYTHONPATH": str(ROOT), **env_changes}  # fmt: skip
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    if not web_answers(
        f"http://127.0.0.1:{port}", seconds=60, alive=lambda: process.poll() is None
    ):
        stop_server(process)
        raise SystemExit(f"{' '.join(command[:4])} did not answer; see {log}")
    return process


def wrk(url: str, seconds: int, connections: int, script: Path) -> dict:
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
         url], capture_output=True, text=True, timeout=seconds + 60, check=True,
    )  # fmt: skip
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT"))
    p50, p95, p99, requests, micros, errors = (int(x) for x in line.split()[1:])
    return {"p50": p50 / 1000, "p95": p95 / 1000, "p99": p99 / 1000,
            "rps": requests / (micros / 1e6), "errors": errors}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        raise SystemExit("set DATABASE_URL (migrated, reference data loaded) and REDIS_URL")
    ports = [free_port(), free_port()]
    servers, results = {}, {}
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "report.lua"
        script.write_text(LUA)
        try:
            for (name, command), port in zip(
                commands(ports, args.workers).items(), ports, strict=True
            ):
                servers[name] = (start(command, port, Path(folder) / f"{port}.log"), port)
            names = list(servers)
            for round_ in range(args.rounds):
                for name in names if round_ % 2 == 0 else names[::-1]:
                    base = f"http://127.0.0.1:{servers[name][1]}"
                    for endpoint, path in ENDPOINTS.items():
                        wrk(base + path, 2, args.connections, script)  # warm-up
                        latency = wrk(base + path, args.duration, 2, script)
                        load = wrk(base + path, args.duration, args.connections, script)
                        run = {**latency, "rps": load["rps"], "p95_loaded": load["p95"],
                               "errors": latency["errors"] + load["errors"]}  # fmt: skip
                        results.setdefault((endpoint, name), []).append(run)
                        print(f"round {round_ + 1} {endpoint:22} {name:26} p50 {run['p50']:.2f} "
                              f"p95 {run['p95']:.2f} ms, {run['rps']:,.0f} req/s "
                              f"(p95 {run['p95_loaded']:.1f} ms loaded), errors {run['errors']}")  # fmt: skip
        finally:
            for process, _ in servers.values():
                stop_server(process)
    lines = [
        f"\n## Web server: uvicorn's workers vs gunicorn + uvicorn workers — {datetime.date.today()}",
        f"Machine: {machine()} (shared with other sessions' runs: noisy). Script: "
        f"`bench/web_server_bench.py`. Both servers up at once, {args.workers} worker processes "
        f"each, production settings, the same PostgreSQL ({os.environ['DATABASE_URL'].rsplit('@', 1)[-1].split('/')[0]}) "
        f"and Redis; per round each endpoint on one server then the other, the order alternating; "
        f"medians of {args.rounds} rounds; `wrk -t1` {args.duration} s: latency with 2 connections, "
        f"throughput with {args.connections}.",
        "",
        "| endpoint | server | p50 | p95 | p99 | req/s (32 conns) | p95 loaded | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (endpoint, name), runs in results.items():
        m = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        lines.append(
            f"| {endpoint} | {name} | {m['p50']:.2f} ms | {m['p95']:.2f} ms | {m['p99']:.2f} ms "
            f"| {m['rps']:,.0f} | {m['p95_loaded']:.1f} ms | {sum(r['errors'] for r in runs)} |"
        )
    print("\n".join(lines))
    record("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
