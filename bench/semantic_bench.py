#!/usr/bin/env python
"""Benchmark of the vectors at scale: embedding a directory from nothing, then the latency of
similar pros, the hybrid search and the questions.

    FOXREVIEWS_VAR_DIR=$PWD/var/bench .venv/bin/python bench/semantic_bench.py --rows 1000000

The scratch database of bench/api_bench.py (`foxreviews_apibench_<rows>`, built once from a
synthetic SIRENE file, then kept) gets its vectors from nothing with `embed_entreprises
--without-index` (a first load: rows/s, then the HNSW index built once), unless they are
there already (--reembed: drop them first). Then, in process (Django's test client: the view
and its queries, no HTTP, one client at a time), each endpoint is asked --requests times:
similar pros of random open entreprises, the search (hybrid and lexical, side by side) and
/api/ask/ on needs and trades in places of every size, after one warm-up pass of the same
requests. p50/p95 are printed and appended to
bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time

from api_bench import prepared_database
from import_bench import PYTHON, ROOT, Servers, machine, record, run

SEARCHES = (
    "fuite d'eau quiberon", "couper les cheveux dieulefit", "pain sans gluten 69003",
    "plombier lyon", "coiffeur paris 11", "restaurant finistere", "vidange voiture nantes",
    "changer une serrure marseille", "mal aux dents brest", "boulangerie bordeaux",
)  # fmt: skip
QUESTIONS = (
    "Quel plombier ouvert le samedi à Bayeux a les meilleurs avis ?",
    "Où faire couper les cheveux à Lyon ?",
    "Un bon garage pour une vidange à Nantes ?",
    "Quel est le prix d'un serrurier à Paris 11 ?",
)


def embed(url: str, env: dict, reembed: bool) -> dict:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if reembed:
            conn.execute("TRUNCATE semantic_entreprise_embedding")
        have = conn.execute("SELECT count(*) FROM semantic_entreprise_embedding").fetchone()[0]
    if have:
        print(f"reusing {have:,} vectors (--reembed to compute them again)")
        return {}
    print("embedding every entreprise (first load, HNSW index built at the end)...", flush=True)
    seconds, rss, output = run([PYTHON, "manage.py", "embed_entreprises", "--without-index"], env)
    lines = output.strip().splitlines()
    index_line = next(line for line in lines if line.startswith("HNSW index built in"))
    embedded = int(lines[-1].split()[0])
    index_s = float(index_line.split()[-2])
    print(f"{embedded:,} embedded in {seconds:.0f}s (index {index_s:.0f}s), peak RSS {rss} MB")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE semantic_entreprise_embedding")
        size = conn.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('semantic_entreprise_embedding'))"
        ).fetchone()[0]
    return {"embedded": embedded, "seconds": seconds, "index_s": index_s, "rss": rss,
            "size": size}  # fmt: skip


def timed(client, path: str, params: dict, times: list[float]) -> None:
    started = time.perf_counter()
    response = client.get(path, params)
    times.append((time.perf_counter() - started) * 1000)
    assert response.status_code == 200, (path, params, response.content[:300])


def percentiles(times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[18]
    return f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms ({len(times)} requests)"


def measure(requests: int) -> dict[str, str]:
    from django.test import Client

    from foxreviews.enterprise.models import Entreprise

    client = Client(HTTP_HOST="localhost")
    rng = random.Random(27)
    top = Entreprise.objects.filter(etat_administratif="A").order_by("-id").values("id").first()
    sirets = []
    while len(sirets) < requests:
        found = Entreprise.objects.filter(id__gte=rng.randrange(top["id"]), ville__isnull=False)
        row = found.order_by("id").values("siret").first()
        if row:
            sirets.append(row["siret"])
    for q in SEARCHES[:3]:  # warm this process (model, vocabulary, communes)
        client.get("/api/search/", {"q": q})
    # and the database's cache, as a server that has been up a while has it: one pass of the
    # same requests first (the servers were just started: a first read costs 4x at p95)
    for i, siret in enumerate(sirets):
        client.get(f"/api/entreprises/{siret}/similaires/")
        client.get("/api/search/", {"q": SEARCHES[i % len(SEARCHES)], "mode": "hybrid"})
        client.get("/api/ask/", {"q": QUESTIONS[i % len(QUESTIONS)]})
    results: dict[str, list[float]] = {
        "similaires": [], "search hybrid": [], "search lexical": [], "ask": [],
    }  # fmt: skip
    for i in range(requests):
        timed(client, f"/api/entreprises/{sirets[i]}/similaires/", {}, results["similaires"])
        q = SEARCHES[i % len(SEARCHES)]
        timed(client, "/api/search/", {"q": q, "mode": "hybrid"}, results["search hybrid"])
        timed(client, "/api/search/", {"q": q, "mode": "lexical"}, results["search lexical"])
        timed(client, "/api/ask/", {"q": QUESTIONS[i % len(QUESTIONS)]}, results["ask"])
    return {name: percentiles(times) for name, times in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reload", action="store_true", help="rebuild the database first")
    parser.add_argument("--reembed", action="store_true", help="compute the vectors again")
    parser.add_argument(
        "--embed-only",
        action="store_true",
        help="the first load only, no latency (run again for it)",
    )
    args = parser.parse_args()
    load_at_start = os.getloadavg()[0]
    figures = {}
    with Servers() as servers:
        url, env = prepared_database(servers, args.rows, args.reload)
        embedded = embed(url, env, args.reembed)
        os.environ.update(DATABASE_URL=url, DJANGO_SECRET_KEY="bench",  # noqa: S106
                          DJANGO_SETTINGS_MODULE="config.settings.test")  # fmt: skip
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), extversion "
                           "FROM pg_extension WHERE extname = 'vector'")  # fmt: skip
            server, pgvector = cursor.fetchone()
        if not args.embed_only:
            figures = measure(args.requests)
    lines = [
        f"\n## Vectors at scale (issue 27) — {datetime.date.today().isoformat()}",
        f"Machine: {machine()}; load average {load_at_start:.2f} when the script started, "
        f"{os.getloadavg()[0]:.2f} when it ended (2 cores). Script: `bench/semantic_bench.py "
        f"--rows {args.rows}` on `foxreviews_apibench_{args.rows}` (PostgreSQL {server}, "
        f"pgvector {pgvector}). Latency in process (Django's test client, one request at a "
        "time, no HTTP).",
    ]
    if embedded:
        rate = embedded["embedded"] / embedded["seconds"]
        lines.append(
            f"- first load: {embedded['embedded']:,} vectors in {embedded['seconds']:.0f}s "
            f"({rate:,.0f} rows/s, HNSW index {embedded['index_s']:.0f}s of it; peak RSS "
            f"{embedded['rss']} MB; table and index {embedded['size']}); at this rate 4M take "
            f"{4_000_000 / rate / 60:.0f} min"
        )
    lines += [f"- {name}: {figure}" for name, figure in figures.items()]
    text = "\n".join(lines) + "\n"
    print(text)
    record(text)


if __name__ == "__main__":
    main()
