#!/usr/bin/env python
"""Evaluation of the search by need and of the answers: recall@10, MRR and latency on a
generated directory with hand-made rows.

    FOXREVIEWS_VAR_DIR=$PWD/var .venv/bin/python bench/ai_eval.py             # 20,000 fillers
    FOXREVIEWS_VAR_DIR=$PWD/var .venv/bin/python bench/ai_eval.py --fillers 100000

A scratch database `foxreviews_aieval` (on DATABASE_URL's server, else the embedded one; it
needs pgvector) is built anew: reference data, then for each case of bench/ai_eval_cases.py
two hand-made entreprises of its trade in its place, named without their trade ("Ets Le Gall",
"Maison Roux"), with their pro-localisation; every place also holds the other cases' rows
(distractors), and --fillers entreprises of random trades in random communes make the bulk.
The vectors are computed (rows/s recorded), then each case is asked to /api/search/ in the
three modes (in process, Django's test client: the view and its queries, not HTTP), and each
question to /api/ask/.

- recall@10: of the rows that answer a case (its trades in its place, counted in the
  database), the share in the first 10 (out of at most 10); averaged over the cases.
- MRR: 1 / the rank of the first row that answers, 0 if none in the first 10.
- ask: the first citation answers the question (hit@1), and the answer says what the
  directory does not hold when the question asks for it.
Figures are printed and appended to bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time

from ai_eval_cases import CASES, HELD_OUT, QUESTIONS, Case
from import_bench import ROOT, Servers, fresh_database, machine, record, with_database

NAME = "foxreviews_aieval"
MODES = ("lexical", "semantic", "hybrid")
FIRST_NAMES = ("Le Gall", "Roux", "Martin", "Kerjean", "Bessin", "Dumas", "Lefèvre", "Nguyen",
               "Da Silva", "Moreau", "Garnier", "Chevalier")  # fmt: skip
PREFIXES = ("Ets", "Maison", "SARL", "Atelier", "Chez", "L'Espace", "Les Frères", "Studio")


def build(fillers: int) -> dict:
    """The directory: hand-made rows per case, fillers; returns the vectors' timing."""
    from django.db import connection

    from foxreviews.category.models import NafCode
    from foxreviews.enterprise.models import Entreprise, ProLocalisation
    from foxreviews.location.models import Ville
    from foxreviews.search.services import search_words_refresh
    from foxreviews.semantic.services import (
        entreprise_embeddings_refresh,
        trade_embeddings_refresh,
    )

    rng = random.Random(27)
    naf = {
        n.code: n.sous_categorie_id for n in NafCode.objects.filter(sous_categorie__isnull=False)
    }
    cases = CASES + HELD_OUT
    places = {(c.commune, c.code_postal) for c in cases} | {(q.commune, None) for q in QUESTIONS}
    codes_wanted = {code for c in cases for code in c.codes} | {
        code for q in QUESTIONS for code in q.codes
    }
    villes = {v.code_insee: v for v in Ville.objects.filter(code_insee__in={p for p, _ in places})}
    rows: list[tuple[Ville, str, str | None]] = []
    for commune, code_postal in sorted(places):
        for code in sorted(codes_wanted):
            if code in naf:
                rows += [(villes[commune], code, code_postal)] * 2
    all_villes = list(Ville.objects.order_by("-population").values_list("id", flat=True)[:3000])
    all_codes = sorted(naf)
    for _ in range(fillers):
        rows.append((None, rng.choice(all_codes), None))
    entreprises = []
    for i, (ville, code, code_postal) in enumerate(rows, start=1):
        if ville is None:
            ville = Ville(id=rng.choice(all_villes))
        siret = f"9{i:013d}"
        name = f"{rng.choice(PREFIXES)} {rng.choice(FIRST_NAMES)} {i}"
        entreprises.append(Entreprise(
            siret=siret, siren=siret[:9], nic=siret[9:], nom=name, naf_code=code, ville=ville,
            code_postal=code_postal or "", etat_administratif="A" if i % 17 else "F",
        ))  # fmt: skip
    Entreprise.objects.bulk_create(entreprises, batch_size=5000)
    ProLocalisation.objects.bulk_create(
        [
            ProLocalisation(
                entreprise=e, ville_id=e.ville_id, sous_categorie_id=naf[e.naf_code],
                note_moyenne=(1 + (e.pk * 7919 % 400) / 100) if e.pk % 3 == 0 else None,
                nombre_avis=1 + e.pk % 40 if e.pk % 3 == 0 else 0,
            )
            for e in Entreprise.objects.only("id", "ville_id", "naf_code")
        ],
        batch_size=5000,
    )  # fmt: skip
    search_words_refresh()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    started = time.perf_counter()
    trade_embeddings_refresh()
    embedded = entreprise_embeddings_refresh()
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE semantic_entreprise_embedding")
    return {"rows": len(rows), "embedded": embedded, "embed_s": seconds}


def relevant_count(case: Case) -> int:
    from foxreviews.enterprise.models import Entreprise

    rows = Entreprise.objects.filter(naf_code__in=case.codes)
    if case.departement:
        return rows.filter(ville__departement__code=case.departement).count()
    rows = rows.filter(ville__code_insee=case.commune)
    return rows.filter(code_postal=case.code_postal).count() if case.code_postal else rows.count()


def answers(case, row: dict) -> bool:
    ville = row["ville"] or {}
    if row["naf_code"] not in case.codes:
        return False
    if getattr(case, "departement", None):
        return ville.get("code_insee", "").startswith(case.departement)
    if getattr(case, "code_postal", None) and row["code_postal"] != case.code_postal:
        return False
    return ville.get("code_insee") == case.commune


def held_out_overlaps() -> list[str]:
    """Held-out cases that contain a phrase of the needs file (none may: they would not be
    held out), folded as the search folds them."""
    from foxreviews.category.services import DATA_DIR, NEEDS, read_csv
    from foxreviews.core.text import vocabulary_key

    needs = {vocabulary_key(row["terme"]) for row in read_csv(DATA_DIR / NEEDS)}
    return [
        f"{case.q} ⊃ {need}"
        for case in HELD_OUT
        for need in needs
        if f" {need} " in f" {vocabulary_key(case.q)} "
    ]


def evaluate(client, mode: str, cases: list[Case]) -> dict:
    recalls, reciprocal, latencies, misses = [], [], [], []
    for case in cases:
        started = time.perf_counter()
        response = client.get("/api/search/", {"q": case.q, "page_size": 10, "mode": mode})
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (case.q, response.content)
        results = response.json()["results"]
        hits = [answers(case, row) for row in results]
        total = relevant_count(case)
        recalls.append(sum(hits) / min(10, total) if total else 0.0)
        first = next((rank for rank, hit in enumerate(hits, start=1) if hit), None)
        reciprocal.append(1 / first if first else 0.0)
        if not first:
            misses.append(case.q)
    return {
        "recall": statistics.fmean(recalls),
        "mrr": statistics.fmean(reciprocal),
        "p50": statistics.median(latencies),
        "p95": statistics.quantiles(latencies, n=20)[18],
        "misses": misses,
    }


def evaluate_ask(client) -> dict:
    from foxreviews.enterprise.models import Entreprise

    hits, said, latencies, misses = 0, 0, [], []
    for question in QUESTIONS:
        started = time.perf_counter()
        response = client.get("/api/ask/", {"q": question.q})
        latencies.append((time.perf_counter() - started) * 1000)
        body = response.json()
        first = body["citations"][0]["siret"] if body["citations"] else None
        row = Entreprise.objects.filter(siret=first).values("naf_code", "ville__code_insee")
        row = row.first() if first else None
        if (
            row
            and row["naf_code"] in question.codes
            and row["ville__code_insee"] == question.commune
        ):
            hits += 1
        else:
            misses.append(question.q)
        said += tuple(body["unknown"]) == question.unknown
    return {
        "hit": hits / len(QUESTIONS),
        "unknown_said": said / len(QUESTIONS),
        "p50": statistics.median(latencies),
        "p95": max(latencies),
        "misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fillers", type=int, default=20_000)
    args = parser.parse_args()
    load_at_start = os.getloadavg()[0]
    with Servers() as servers:
        url = with_database(servers.urls["DATABASE_URL"], NAME)
        env = {**os.environ, **servers.urls, "DATABASE_URL": url, "DJANGO_SECRET_KEY": "bench"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        print(f"building {NAME}: migrate, reference data...", flush=True)
        fresh_database(with_database(servers.urls["DATABASE_URL"], "postgres"), NAME, env, ROOT)
        os.environ.update(DATABASE_URL=url, DJANGO_SECRET_KEY="bench",  # noqa: S106
                          DJANGO_SETTINGS_MODULE="config.settings.test")  # fmt: skip
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.test import Client

        from foxreviews.core.cache import process_caches
        from foxreviews.semantic.embedding import embedder
        from foxreviews.semantic.selectors import semantic_unavailable

        if reason := semantic_unavailable(need_vectors=False):
            sys.exit(reason)
        if overlaps := held_out_overlaps():
            sys.exit(f"held-out cases that contain a phrase of the needs file: {overlaps}")
        started = time.perf_counter()
        model = embedder()
        load_s = time.perf_counter() - started
        built = build(args.fillers)
        print(f"{built['rows']:,} entreprises; {built['embedded']:,} embedded in "
              f"{built['embed_s']:.1f}s ({built['embedded'] / built['embed_s']:,.0f} rows/s); "
              f"model {model.name} loaded in {load_s:.1f}s", flush=True)  # fmt: skip
        process_caches.reset()  # what this process read before the vectors existed
        client = Client(HTTP_HOST="localhost")
        for q in ("plombier quiberon", "fuite d'eau quiberon"):  # warm the process's caches
            client.get("/api/search/", {"q": q})
        sets = {"cases": CASES, "held out": HELD_OUT}
        results = {
            (name, mode): evaluate(client, mode, cases)
            for name, cases in sets.items()
            for mode in MODES
        }
        asked = evaluate_ask(client)
    lines = [
        f"\n## Search by need and answers (issue 27) — {datetime.date.today().isoformat()}",
        f"Machine: {machine()}; load average {load_at_start:.2f} when the script started, "
        f"{os.getloadavg()[0]:.2f} when it ended (2 cores). Script: "
        f"`bench/ai_eval.py --fillers {args.fillers}`: {len(CASES)} searches, "
        f"{len(HELD_OUT)} held-out searches (none contains a phrase of the needs file) and "
        f"{len(QUESTIONS)} questions (bench/ai_eval_cases.py) on {built['rows']:,} entreprises "
        f"(2 hand-made per case and place, the rest random). Model: `{model.name}` "
        f"(loaded in {load_s:.1f}s); vectors: {built['embedded']:,} in {built['embed_s']:.1f}s "
        f"({built['embedded'] / built['embed_s']:,.0f} rows/s). Latency: in process (view and "
        "queries, no HTTP).",
        "",
        "| set | mode | recall@10 | MRR | p50 | p95 | cases with no answer in the first 10 |",
        "|---|---|---|---|---|---|---|",
    ]
    for (name, mode), r in results.items():
        lines.append(
            f"| {name} | {mode} | {r['recall']:.2f} | {r['mrr']:.2f} | {r['p50']:.0f} ms | "
            f"{r['p95']:.0f} ms | {len(r['misses'])}: {', '.join(r['misses'][:8])} |"
        )
    lines += [
        "",
        f"/api/ask/: first citation answers {asked['hit']:.0%} of the questions; what the "
        f"directory does not hold said as expected in {asked['unknown_said']:.0%}; p50 "
        f"{asked['p50']:.0f} ms, max {asked['p95']:.0f} ms. Missed: {', '.join(asked['misses'])}",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    record(text)


if __name__ == "__main__":
    main()
