#!/usr/bin/env python
"""Ten hostile workbooks posted at once by one pro account, against a running platform (web
process and Celery worker as in production): the answers, /health/ meanwhile, every process's
memory. Issue 22's target: every upload answered within 15 s, /health/ p95 <= 100 ms, no
platform process above 1 GB.

    .venv/bin/python bench/hostile_bench.py --part uploads   # the files scaled to 400 MB of XML
    .venv/bin/python bench/hostile_uploads.py --mb 40 --no-record   # this part alone

The files (built once under bench/data/hostile-<mb>/): the cases an attacker tried (a huge tag
before <dimension>, one huge cell, huge shared strings, millions of empty rows, each scaled to
--mb of XML), a lying <dimension> over 60,000 rows, a DTD with nested entities, 5,000 parts,
16,384 columns, and two made to pass the request's checks and make the worker work: --mb/4 of
XML compressed under 100:1 (one long formula of partly random text) and 2,000,000 random shared
strings. One scratch database (`foxreviews_hostilebench`) on the embedded PostgreSQL unless
DATABASE_URL is set; every server the script starts is stopped when it ends.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import psutil
from api_bench import start_server, stop_server
from import_bench import DATA, PYTHON, ROOT, Servers, machine, record
from ingest_bench import pro_token, scratch_platform, upload, wait_done

sys.path.insert(0, str(ROOT))
from foxreviews.imports.tests.stock_rows import siret
from foxreviews.imports.tests.workbooks import (
    CONTENT_TYPES,
    MAIN,
    STRINGS_REL,
    WORKBOOK,
    WORKBOOK_RELS,
    rows_xml,
)

DATABASE = "foxreviews_hostilebench"
ANSWER_TARGET_S, HEALTH_TARGET_MS, RSS_TARGET_MB = 15, 100, 1024
HEADER = ["siret", "nom", "code_commune"]
CHUNK = 1024 * 1024


# -- the files ----------------------------------------------------------------------------------
def _write(path: Path, sheet_parts, strings_parts=None, extra: dict | None = None) -> None:
    """A workbook whose sheet (and shared strings) are written from iterables of bytes, so
    that hundreds of megabytes never sit in memory at once."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        rels = WORKBOOK_RELS.replace("{strings}", STRINGS_REL if strings_parts else "")
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        for name, parts in (("xl/worksheets/sheet1.xml", sheet_parts),
                            ("xl/sharedStrings.xml", strings_parts)):  # fmt: skip
            if parts is None:
                continue
            with archive.open(name, "w") as member:
                for part in parts:
                    member.write(part)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)


def _sheet(body, head=(), before: bytes = b""):
    yield b'<?xml version="1.0" encoding="UTF-8"?>' + before
    yield f'<worksheet xmlns="{MAIN}">'.encode()
    yield from head
    yield b"<sheetData>"
    yield from body
    yield b"</sheetData></worksheet>"


def _repeat(piece: bytes, total: int):
    block = piece * max(1, CHUNK // len(piece))
    for _ in range(total // len(block)):
        yield block


def _rows(count: int, first: int = 1):
    for start in range(0, count, 1000):
        rows = [[siret(f"55{n:06d}"), f"Boulangerie {n}", "69381"]
                for n in range(start, min(count, start + 1000))]  # fmt: skip
        yield rows_xml(rows, first=first + start).encode()


def _random_text(total: int):
    """Text that deflate compresses about 15 times (a random run in every kilobyte): it
    passes the request's ratio check while staying under the upload's 10 MB."""
    for _ in range(total // CHUNK):
        yield b"".join(base64.b64encode(os.urandom(36)) + b"x" * 976 for _ in range(CHUNK // 1024))


def build_files(mb: int) -> dict[str, Path]:
    folder = DATA / f"hostile-{mb}"
    folder.mkdir(parents=True, exist_ok=True)
    size = mb * 1_000_000
    header = rows_xml([HEADER]).encode()
    one_row = b"".join(_rows(1, first=2))
    cell = b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    laughs = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">'.encode() for n in range(9)
    ) + b"]>"  # fmt: skip
    wide = "".join(f'<c r="{_ref(n)}1" t="inlineStr"><is><t>c{n}</t></is></c>'
                   for n in range(1, 16_385))  # fmt: skip
    recipes = {
        "attribut-geant": lambda p: _write(p, _sheet(
            [header, one_row], head=[b'<sheetPr codeName="', *_repeat(b"x", size), b'"/>']
        )),
        "cellule-geante": lambda p: _write(p, _sheet(
            [header, cell, *_repeat(b"x", size), b"</t></is></c></row>"]
        )),
        "textes-partages": lambda p: _write(
            p, _sheet([header, one_row]),
            (b'<sst xmlns="' + MAIN.encode() + b'">', *_repeat(b"<si><t>texte</t></si>", size),
             b"</sst>"),
        ),
        "lignes-vides": lambda p: _write(p, _sheet([header, *_repeat(b"<row/>", size), one_row])),
        "dimension-menteuse": lambda p: _write(p, _sheet(
            [header, *_rows(60_000, first=2)], head=[b'<dimension ref="A1:C2"/>']
        )),
        "dtd-entites": lambda p: _write(p, _sheet(
            [header, b'<row r="2"><c r="A2" t="inlineStr"><is><t>&j;</t></is></c></row>'],
            before=laughs,
        )),
        "5000-parties": lambda p: _write(
            p, _sheet([header, one_row]),
            extra={f"xl/media/image{n}.png": b"" for n in range(5_000)},
        ),
        "16384-colonnes": lambda p: _write(p, _sheet([f'<row r="1">{wide}</row>'.encode()])),
        "formule-aleatoire": lambda p: _write(p, _sheet(
            [header, b'<row r="2"><c r="A2"><f>', *_random_text(min(size // 4, 95_000_000)), b"</f></c></row>"]
        )),
        "2m-textes-aleatoires": lambda p: _write(
            p, _sheet([header, one_row]),
            (b'<sst xmlns="' + MAIN.encode() + b'">',
             *(b"".join(b"<si><t>" + os.urandom(3).hex().encode() + b"</t></si>"
                        for _ in range(100_000)) for _ in range(20)),
             b"</sst>"),
        ),
    }  # fmt: skip
    files = {}
    for name, build in recipes.items():
        path = folder / f"{name}.xlsx"
        if not path.exists():
            print(f"building {path.name}...", flush=True)
            build(path.with_suffix(".tmp"))
            path.with_suffix(".tmp").rename(path)
        files[name] = path
    return files


def _ref(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# -- the platform -------------------------------------------------------------------------------
def start_worker(env: dict, concurrency: int = 2) -> tuple[subprocess.Popen, Path]:
    """One Celery worker as the Procfile runs it (prefork, production settings)."""
    env = {**env, "DJANGO_SETTINGS_MODULE": "api_settings", "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}"}  # fmt: skip
    log = DATA / "hostilebench-worker.log"
    process = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "config", "worker", "-Q", "imports",
         "--concurrency", str(concurrency), "--loglevel", "INFO", "--without-gossip",
         "--without-mingle", "--hostname", "hostilebench@%h"],
        env=env, cwd=ROOT, stdout=open(log, "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while "ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_server(process)
            raise SystemExit(f"the worker did not start; see {log}")
        time.sleep(0.2)
    return process, log


def post(port: int, token: str, path: Path) -> dict:
    status, answer, seconds = upload(port, token, path.name, path.read_bytes(), timeout=120)
    return {"file": path.stem, "mb": path.stat().st_size / 1e6, "http": status,
            "answer_s": seconds, "answer": answer}  # fmt: skip


def outcome(result: dict, token: str) -> None:
    """The import's end (accepted uploads), polled until it is over."""
    if result["http"] != 202:
        result["end"] = result["answer"].get("message", "")
        return
    status = wait_done(result["answer"]["status_url"], token, seconds=900, every=0.2)
    if status is None:
        result["end"] = "not over after 15 minutes"
        return
    result["end"] = f"{status['status']}: {status['error'] or status['counters']}"
    result["done_s"] = time.monotonic()


class Watch(threading.Thread):
    """/health/ every 100 ms, and the resident memory of every process of the platform."""

    def __init__(self, port: int, roots: list[subprocess.Popen]) -> None:
        super().__init__(daemon=True)
        self.port, self.roots = port, [psutil.Process(p.pid) for p in roots]
        self.health_ms: list[float] = []
        self.health_errors = 0
        self.peak_mb: dict[str, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                url = f"http://127.0.0.1:{self.port}/health/"
                with urllib.request.urlopen(url, timeout=10) as response:
                    response.read()
                self.health_ms.append((time.perf_counter() - started) * 1000)
            except OSError:
                self.health_errors += 1
            for root in self.roots:
                try:
                    family = [root, *root.children(recursive=True)]
                except psutil.Error:
                    continue
                for process in family:
                    try:
                        name = f"{' '.join(process.cmdline()[1:4])} [{process.pid}]"
                        rss = process.memory_info().rss / 2**20
                    except psutil.Error:
                        continue
                    self.peak_mb[name] = max(self.peak_mb.get(name, 0), rss)
            self.stop.wait(max(0, 0.1 - (time.perf_counter() - started)))


def bench(env: dict, files: dict[str, Path], port: int) -> tuple[list[dict], Watch]:
    web = start_server(env, port, workers=1)
    worker = None
    try:
        worker, _ = start_worker(env)
        token = pro_token(env)
        watch = Watch(port, [web, worker])
        watch.start()
        time.sleep(2)  # /health/ before the storm
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(len(files)) as pool:
            results = list(pool.map(lambda p: post(port, token, p), files.values()))
        for result in results:
            print(f"{result['file']}: {result['http']} in {result['answer_s']:.2f} s", flush=True)
        for result in results:
            outcome(result, token)
            result["done_s"] = result.get("done_s", started) - started
        time.sleep(2)  # the worker's children after their last task
        watch.stop.set()
        watch.join()
    finally:
        if worker is not None:
            stop_server(worker)
        stop_server(web)
    return results, watch


def report(results: list[dict], watch: Watch, mb: int, server: str) -> str:
    health = sorted(watch.health_ms)
    p95 = health[int(len(health) * 0.95) - 1] if health else float("nan")
    worst = max(r["answer_s"] for r in results)
    peak_name, peak = max(watch.peak_mb.items(), key=lambda item: item[1])
    lines = [
        f"## Hostile uploads — {time.strftime('%Y-%m-%d %H:%M')} — {machine()}",
        "",
        f"`bench/hostile_uploads.py --mb {mb}`: ten workbooks posted at once by one pro account "
        f"to the web process (uvicorn, 1 worker, production settings) and a Celery worker "
        f"(prefork, 2 children), PostgreSQL {server}.",
        "",
        "| file | size MB | answer | answered in s | import's end |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        end = r["end"].replace("|", "/")[:140]
        lines.append(f"| {r['file']} | {r['mb']:.2f} | {r['http']} | {r['answer_s']:.2f} | {end} |")
    lines += [
        "",
        f"- slowest answer {worst:.2f} s (target <= {ANSWER_TARGET_S} s: "
        f"{'met' if worst <= ANSWER_TARGET_S else 'NOT met'})",
        f"- /health/ meanwhile: {len(health)} requests, median {statistics.median(health):.1f} ms, "
        f"p95 {p95:.1f} ms, {watch.health_errors} errors (target p95 <= {HEALTH_TARGET_MS} ms: "
        f"{'met' if p95 <= HEALTH_TARGET_MS and not watch.health_errors else 'NOT met'})",
        f"- largest process: {peak:.0f} MB ({peak_name}) (target <= {RSS_TARGET_MB} MB: "
        f"{'met' if peak <= RSS_TARGET_MB else 'NOT met'})",
        f"- last import over {max(r['done_s'] for r in results):.1f} s after the posts",
        "",
    ]
    return "\n".join(lines)


def uploads(servers: Servers, args) -> str:
    """The part `uploads` of bench/hostile_bench.py: its section of RESULTS.md."""
    files = build_files(args.mb)
    _, env, server = scratch_platform(servers, DATABASE, "var-hostilebench")
    results, watch = bench(env, files, args.port)
    return report(results, watch, args.mb, server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=400, help="XML in the scaled cases")
    parser.add_argument("--port", type=int, default=18700)
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    with Servers() as servers:
        text = uploads(servers, args)
    print(text)
    if not args.no_record:
        record(text)


if __name__ == "__main__":
    main()
