#!/usr/bin/env python
"""Benchmark of the ingestion that runs itself: the daily INSEE sync under the real quota, and
CSV/XLSX uploads through the API.

    .venv/bin/python bench/ingest_bench.py                 # 35,000 établissements, 50,000 rows
    .venv/bin/python bench/ingest_bench.py --etablissements 5000 --upload-rows 10000 --no-record

One run, against one PostgreSQL server (the embedded one unless DATABASE_URL is set; a scratch
database `foxreviews_ingestbench` is created on it, migrated, reference data loaded):

1. The sync: the local INSEE API of the tests (foxreviews/imports/tests/insee_server.py) serves
   N généré établissements changed in one day and enforces INSEE's quota (30 requests per
   moving minute, 429 beyond). --workers Celery workers (one process each, queues `insee` and
   `imports`) run as in production; the nightly task is sent to the broker, the wall time is
   taken from that moment to the ImportLog's end. The INSEE server counts every request and
   every 429.
2. Uploads: the web process as in production (uvicorn, production settings); a pro's token;
   a CSV (`;`, Windows-1252) and an XLSX of --upload-rows new établissements, each posted
   --repeat times (the first creates the rows, the others find them unchanged): the 202's
   latency, and the time from the 202 to the import's end (polled every 50 ms).

Figures are printed and appended to bench/RESULTS.md with the machine and the date. Every
server the script starts is stopped when it ends.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from api_bench import start_server, stop_server
from import_bench import (
    DATA,
    PYTHON,
    ROOT,
    Servers,
    fresh_database,
    machine,
    record,
    with_database,
)

sys.path.insert(0, str(ROOT))
SINCE, UNTIL = datetime.datetime(2026, 11, 24), datetime.datetime(2026, 11, 25)
DATABASE = "foxreviews_ingestbench"
SYNC_TARGET_S, UPLOAD_TARGET_S, ACCEPT_TARGET_MS = 120, 15, 200


def redis_db(url: str, db: int) -> str:
    return with_database(url, str(db))


def scratch_platform(servers: Servers, database: str, var: str) -> tuple[str, dict, str]:
    """A bench's own database (made again: migrated, reference data) and Redis databases 12-14
    (emptied: nothing left from another run counts): its URL, the processes' environment, and
    the PostgreSQL version."""
    import psycopg
    import redis

    admin = with_database(servers.urls["DATABASE_URL"], "postgres")
    url = with_database(servers.urls["DATABASE_URL"], database)
    redis_url = servers.urls["REDIS_URL"]
    env = {**os.environ, **servers.urls, "DATABASE_URL": url, "DJANGO_SECRET_KEY": "bench",
           "FOXREVIEWS_VAR_DIR": str(DATA / var), "LOG_LEVEL": "WARNING",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "CELERY_BROKER_URL": redis_db(redis_url, 12),
           "CELERY_RESULT_BACKEND": redis_db(redis_url, 13),
           "INSEE_RATE_LIMIT_URL": redis_db(redis_url, 14),
           "API_THROTTLE_STORAGE_URL": redis_db(redis_url, 14)}  # fmt: skip
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for db in (12, 13, 14):
        redis.Redis.from_url(redis_db(redis_url, db)).flushdb()
    print(f"scratch database {database}: migrate, reference data...", flush=True)
    fresh_database(admin, database, env, ROOT)
    with psycopg.connect(url) as conn:
        return url, env, conn.execute("SHOW server_version").fetchone()[0]


# -- the sync -----------------------------------------------------------------------------------
def start_workers(
    env: dict, count: int, queues: str = "insee,imports"
) -> list[tuple[subprocess.Popen, Path]]:
    """Workers of `queues` with the production settings (the web process's,
    bench/api_settings.py)."""
    env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "api_settings",
        "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
    }
    workers = []
    for n in range(count):
        log = DATA / f"ingestbench-worker-{n}.log"
        process = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "config", "worker", "-Q", queues,
             "--pool", "solo", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--hostname", f"ingestbench{n}@%h"],
            env=env, cwd=ROOT, stdout=open(log, "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
            start_new_session=True,
        )  # fmt: skip
        workers.append((process, log))
    deadline = time.monotonic() + 120
    for process, log in workers:
        while "ready." not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                stop_workers(workers)
                raise SystemExit(f"a worker did not start; see {log}")
            time.sleep(0.2)
    return workers


def stop_workers(workers) -> None:
    for process, _ in workers:
        stop_server(process)


def last_log(url: str, kind: str) -> tuple | None:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT id, status, rows_read, rows_created, rows_rejected, error, stats "
            "FROM imports_importlog WHERE type = %s ORDER BY id DESC LIMIT 1",
            [kind],
        ).fetchone()


def bench_sync(url: str, env: dict, count: int, workers: int) -> dict:
    from celery import Celery

    from foxreviews.imports.tests.insee_server import InseeApiServer, generated_etablissements

    with InseeApiServer(quota=30, window=60.0, api_key="bench-key") as insee:
        insee.add(generated_etablissements(count, since=SINCE, until=UNTIL, seed=2026))
        env = {**env, "INSEE_API_URL": insee.url, "INSEE_API_KEY": "bench-key",
               "INSEE_API_RATE": "30/minute", "INSEE_SYNC_SLICES": str(workers)}  # fmt: skip
        running = start_workers(env, workers)
        try:
            broker = Celery(broker=env["CELERY_BROKER_URL"])
            started = time.monotonic()
            broker.send_task(
                "foxreviews.imports.tasks.insee_sync_start",
                args=[SINCE.isoformat(), UNTIL.isoformat()],
                queue="insee",
            )
            while True:
                log = last_log(url, "sirene_api")
                if log and log[1] in ("success", "partial", "failed"):
                    break
                if time.monotonic() - started > 600:
                    raise SystemExit("the sync did not end in 10 minutes")
                time.sleep(0.2)
            wall = time.monotonic() - started
        finally:
            stop_workers(running)
        statuses = insee.statuses()
    _, status, read, created, rejected, error, stats = log
    if status == "failed":
        raise SystemExit(f"the sync failed: {error}")
    return {"etablissements": count, "workers": workers, "wall_s": wall, "read": read,
            "created": created, "rejected": rejected, "requests": len(statuses),
            "throttled": statuses.count(429), "pages": stats.get("pages")}  # fmt: skip


# -- uploads ------------------------------------------------------------------------------------
def upload_files(rows: int) -> dict[str, tuple[str, bytes]]:
    import openpyxl

    from foxreviews.imports.sirene.generator import SireneGenerator

    header = ["siret", "nom", "naf_code", "code_postal", "code_commune"]

    def records(seed: int):
        generator = SireneGenerator(seed=seed, invalid_share=0.0)
        at = {name: generator.columns.index(name) for name in (
            "siret", "enseigne1Etablissement", "activitePrincipaleEtablissement",
            "codePostalEtablissement", "codeCommuneEtablissement")}  # fmt: skip
        for n, row in enumerate(generator.rows(rows)):
            name = row[at["enseigne1Etablissement"]].replace("[ND]", "") or f"Commerce {n}"
            yield [row[at["siret"]], name, row[at["activitePrincipaleEtablissement"]],
                   row[at["codePostalEtablissement"]], row[at["codeCommuneEtablissement"]]]  # fmt: skip

    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(records(101))
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in records(202):
        sheet.append(row)
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    return {
        "CSV (;, Windows-1252)": ("liste.csv", text.getvalue().encode("cp1252", "replace")),
        "XLSX": ("liste.xlsx", xlsx.getvalue()),
    }


def upload(port: int, token: str, name: str, content: bytes, timeout: float = 60):
    """POST /api/imports/ with `content` as the file `name`: (HTTP status, JSON answer,
    seconds the answer took), a 4xx or 5xx included."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/imports/", data=body, method="POST",
        headers={"Authorization": f"Token {token}",
                 "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )  # fmt: skip
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (ours)
            status, answer = response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        status, answer = exc.code, json.loads(exc.read() or b"{}")
    return status, answer, time.perf_counter() - started


def post_file(port: int, token: str, name: str, content: bytes) -> tuple[float, dict]:
    status, answer, seconds = upload(port, token, name, content)
    assert status == 202, answer
    return seconds * 1000, answer


def wait_done(
    status_url: str, token: str, seconds: float = 300, every: float = 0.05
) -> dict | None:
    """The import's status once it has ended; None if it has not within `seconds`."""
    request = urllib.request.Request(status_url, headers={"Authorization": f"Token {token}"})  # noqa: S310
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status = json.loads(response.read())
        if status["status"] in ("success", "partial", "failed"):
            return status
        time.sleep(every)
    return None


def pro_token(env: dict) -> str:
    code = (
        "from foxreviews.users.models import User\n"
        "from rest_framework.authtoken.models import Token\n"
        "user, _ = User.objects.get_or_create(username='bench-pro', defaults={'role': 'pro'})\n"
        "print(Token.objects.get_or_create(user=user)[0].key)\n"
    )
    out = subprocess.run([PYTHON, "manage.py", "shell", "-c", code], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True)  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def bench_uploads(env: dict, rows: int, repeat: int, port: int) -> list[dict]:
    files = upload_files(rows)
    web_env = {**env, "API_THROTTLE_IMPORTS": "100000/hour", "API_THROTTLE_USER": "100000/minute"}
    server = start_server(web_env, port)
    workers = start_workers(env, 1)
    results = []
    try:
        token = pro_token(env)
        for kind, (name, content) in files.items():
            accepted, processed, outcome = [], [], None
            for _ in range(repeat):
                ms, answer = post_file(port, token, name, content)
                started = time.monotonic()
                status = wait_done(answer["status_url"], token)
                if status is None:
                    raise SystemExit(f"{answer['status_url']} did not end in 5 minutes")
                processed.append(time.monotonic() - started)
                accepted.append(ms)
                if status["status"] == "failed":
                    raise SystemExit(f"{kind}: failed: {status['error']}")
                if status["errors"]:
                    print(f"{kind}: rejected rows by reason: {status['errors']}", flush=True)
                outcome = outcome or status["counters"]
            results.append({"kind": kind, "rows": rows, "mb": len(content) / 1e6,
                            "accepted_ms": accepted, "processed_s": processed,
                            "first": outcome})  # fmt: skip
            print(f"{kind}: 202 in {', '.join(f'{m:.0f}' for m in accepted)} ms; processed in "
                  f"{', '.join(f'{s:.1f}' for s in processed)} s; first run {outcome}",
                  flush=True)  # fmt: skip
    finally:
        stop_workers(workers)
        stop_server(server)
    return results


# -- report -------------------------------------------------------------------------------------
def report(sync: dict, uploads: list[dict], server: str) -> str:
    met = sync["wall_s"] <= SYNC_TARGET_S and sync["throttled"] == 0
    lines = [
        f"\n## Ingestion — {datetime.date.today().isoformat()}",
        f"Machine: {machine()}. PostgreSQL: {server}. Script: `bench/ingest_bench.py`.",
        "",
        f"INSEE sync: {sync['etablissements']:,} changed établissements from the local INSEE "
        f"API under a 30-per-minute quota, {sync['workers']} Celery workers (one slice of the "
        f"window each): **{sync['wall_s']:.1f} s** wall time from the task's dispatch to the "
        f"ImportLog's end; {sync['requests']} requests ({sync['pages']} pages), "
        f"{sync['throttled']} answered 429; {sync['created']:,} created, "
        f"{sync['rejected']:,} rejected. Target ≤ {SYNC_TARGET_S} s with zero 429: "
        f"{'met' if met else 'NOT met'}.",
        "",
        "Uploads through the API (uvicorn, production settings, one worker on `imports`): the "
        "202's latency and the time from the 202 to the import's end, each run; the first run "
        "creates the rows, the next find them unchanged.",
        "",
        "| file | rows | size | 202 (ms), median | processed (s), first run | later runs | "
        "target |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in uploads:
        accepted = statistics.median(r["accepted_ms"])
        first = r["processed_s"][0]
        ok = accepted <= ACCEPT_TARGET_MS and max(r["processed_s"]) <= UPLOAD_TARGET_S
        lines.append(
            f"| {r['kind']} | {r['rows']:,} | {r['mb']:.1f} MB | {accepted:.0f} "
            f"({', '.join(f'{m:.0f}' for m in r['accepted_ms'])}) | {first:.1f} | "
            f"{', '.join(f'{s:.1f}' for s in r['processed_s'][1:]) or '-'} | "
            f"202 ≤ {ACCEPT_TARGET_MS} ms, ≤ {UPLOAD_TARGET_S} s: {'met' if ok else 'NOT met'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--etablissements", type=int, default=35_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--upload-rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3, help="posts of each upload")
    parser.add_argument("--port", type=int, default=18600)
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    with Servers() as servers:
        url, env, server = scratch_platform(servers, DATABASE, "var-ingestbench")
        sync = bench_sync(url, env, args.etablissements, args.workers)
        print(f"sync: {sync}", flush=True)
        uploads = bench_uploads(env, args.upload_rows, args.repeat, args.port)
    text = report(sync, uploads, server)
    print(text)
    if not args.no_record:
        record(text)


if __name__ == "__main__":
    main()
