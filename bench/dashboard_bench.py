#!/usr/bin/env python
"""Benchmark of the admin dashboard at scale, and of the API metrics middleware per request.

    .venv/bin/python bench/dashboard_bench.py                  # 4M entreprises
    .venv/bin/python bench/dashboard_bench.py --rows 1000000

On the scratch database of bench/api_bench.py (`foxreviews_apibench_<rows>`, built once, kept),
in one process with the base settings, DEBUG off:
- GET /admin/dashboard/ and GET /admin/dashboard/data/ as a staff member, through Django's test
  client (no network), --repeat times each: median and p95 in ms, queries per request, and the
  plan of the counters' query (it must not read enterprise_entreprise);
- RequestMetricsMiddleware around a view that does nothing, against the same call without it,
  over --calls requests to /api/: the cost per request in µs (its once-a-second flush to Redis
  included, amortized over the calls of that second).
Figures are printed and appended to bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys

from api_bench import prepared_database
from import_bench import PYTHON, ROOT, Servers, machine, record

MEASURE = r"""
import json, os, statistics, time
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from foxreviews.core import request_metrics
from foxreviews.dashboard import selectors
from foxreviews.users.models import User

repeat, calls = map(int, os.environ["BENCH_DASHBOARD"].split())
staff, _ = User.objects.get_or_create(username="bench-dashboard",
                                      defaults={"is_staff": True, "role": "admin"})
client = Client()
client.force_login(staff)
out = {}
for path in ("/admin/dashboard/", "/admin/dashboard/data/"):
    warm = client.get(path)
    assert warm.status_code == 200, (path, warm.status_code, warm.content[:300])  # warm: connections, templates, the workers' ping
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    out[path] = {"median": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))],
                 "queries": len(queries)}
with connection.cursor() as cursor:
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + selectors.COUNTERS_SQL,
                   {"exact_below": selectors.EXACT_COUNT_BELOW,
                    "month_start": selectors.month_start()})
    plan = [row[0] for row in cursor.fetchall()]
out["plan"] = plan
out["counters"] = {k: str(v) for k, v in selectors.counters().items()}

request = RequestFactory().get("/api/entreprises/")
ok = HttpResponse(b"{}")
bare = lambda r: ok
wrapped = request_metrics.RequestMetricsMiddleware(bare)
def per_call(handler):
    started = time.perf_counter()
    for _ in range(calls):
        handler(request)
    return (time.perf_counter() - started) / calls * 1e6
per_call(wrapped)  # warm
rounds = [(per_call(bare), per_call(wrapped)) for _ in range(5)]
out["middleware_us"] = statistics.median(w - b for b, w in rounds)
started = time.perf_counter()
for _ in range(200):
    request_metrics.counts.record(at=time.time(), milliseconds=12.0)
    request_metrics.counts.flush()
out["flush_us"] = (time.perf_counter() - started) / 200 * 1e6
print("RESULT " + json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=4_000_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--reload", action="store_true", help="rebuild the scratch database")
    args = parser.parse_args()
    with Servers() as servers:
        _, env = prepared_database(servers, args.rows, args.reload)
        # the base settings with DEBUG off (production's also ask for HTTPS, which a test client
        # in one process does not speak)
        env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "false",
               "DJANGO_ALLOWED_HOSTS": "testserver", "PYTHONPATH": str(ROOT)}  # fmt: skip
        subprocess.run(  # the manifest the page's {% static %} reads
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        output = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", MEASURE],
            env={**env, "BENCH_DASHBOARD": f"{args.repeat} {args.calls}"}, cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
    lines = [line for line in output.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise SystemExit(f"failed:\n{output.stdout}\n{output.stderr}")
    result = json.loads(lines[-1][len("RESULT ") :])
    reads_entreprises = any("enterprise_entreprise" in line for line in result["plan"])
    table = "\n".join(
        f"| {path} | {r['median']:.1f} | {r['p95']:.1f} | {r['queries']} |"
        for path, r in result.items()
        if path.startswith("/")
    )
    text = f"""
## Admin dashboard — {datetime.date.today().isoformat()}
Machine: {machine()}. Script: `bench/dashboard_bench.py`. {args.rows:,} entreprises (the scratch
database of bench/api_bench.py), DEBUG off, Django's test client in one process
(no network): {args.repeat} requests each after a warm-up.

| page | median ms | p95 ms | queries |
|---|---|---|---|
{table}

Counters: {result["counters"]}. Their query reads enterprise_entreprise: \
{"YES" if reads_entreprises else "no"} (plan below).
API metrics middleware: {result["middleware_us"]:.1f} µs per request to /api/ (median of 5 rounds
of {args.calls:,} calls, against the same calls without it); its flush to Redis (once a second
per process: one pipeline) {result["flush_us"]:.0f} µs.

```
{chr(10).join(result["plan"])}
```
"""
    print(text)
    record(text)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    main()
