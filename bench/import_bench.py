#!/usr/bin/env python
"""Benchmark of the SIRENE bulk import, side by side with the physical limit of this machine.

    .venv/bin/python bench/import_bench.py                 # 1M and 4M rows
    .venv/bin/python bench/import_bench.py --rows 1000000  # one size

For each size, in one run and against one PostgreSQL server (the embedded one unless
DATABASE_URL is set; a scratch database `foxreviews_bench` is created on it):
  (a) raw COPY of the file into an UNLOGGED table with no index (the physical limit),
  (b) `import_entreprises_bulk` into an empty directory (pro-localisations and indexes included),
  (c) the same import again (must write nothing),
  (d) an incremental import of 50,000 changed rows into the full tables.
Each import runs as its own process; its peak RSS comes from wait4(). Figures are printed and
appended to bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "RESULTS.md"
PYTHON = sys.executable
INCREMENTAL_ROWS = 50_000


def server_url() -> str:
    sys.path.insert(0, str(ROOT))
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from foxreviews.runtime.postgres import EmbeddedPostgres

    return EmbeddedPostgres().ensure_running()


def with_database(url: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def run(command: list[str], env: dict) -> tuple[float, int, str]:
    """Run a command; (seconds, peak RSS in MB, output)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT
    )
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{output}")
    return seconds, usage.ru_maxrss // 1024, output


def counters(output: str) -> dict[str, int]:
    found = {}
    for key in ("read", "created", "updated", "unchanged", "rejected"):
        match = re.search(rf"{key} ([\d,]+)", output)
        found[key] = int(match.group(1).replace(",", "")) if match else -1
    return found


def fresh_database(admin_url: str, bench_url: str, env: dict) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS foxreviews_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE foxreviews_bench")
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "load_reference_data"], env)


def raw_copy(bench_url: str, path: Path) -> float:
    """COPY the whole file into an UNLOGGED table of text columns with no index."""
    import psycopg

    with open(path, "rb") as handle:
        header = handle.readline().decode().strip().split(",")
        columns = ", ".join(f'"{c}" text' for c in header)
        with psycopg.connect(bench_url) as conn:
            conn.execute("DROP TABLE IF EXISTS bench_raw")
            conn.execute(f"CREATE UNLOGGED TABLE bench_raw ({columns})")
            conn.commit()
            started = time.perf_counter()
            with conn.cursor().copy("COPY bench_raw FROM STDIN WITH (FORMAT csv)") as copy:
                while block := handle.read(1 << 20):
                    copy.write(block)
            conn.commit()
            seconds = time.perf_counter() - started
            conn.execute("DROP TABLE bench_raw")
            conn.commit()
    return seconds


def changed_rows(source: Path, out: Path, rows: int) -> Path:
    """The first `rows` rows of the file, each with a new enseigne: an incremental update."""
    with (
        open(source, encoding="utf-8", newline="") as src,
        open(out, "w", encoding="utf-8", newline="") as dst,
    ):
        reader, writer = csv.reader(src), csv.writer(dst, lineterminator="\n")
        header = next(reader)
        writer.writerow(header)
        enseigne = header.index("enseigne1Etablissement")
        for i, row in enumerate(reader):
            if i >= rows:
                break
            row[enseigne] = f"NOUVELLE ENSEIGNE {i}"
            writer.writerow(row)
    return out


def bench_size(rows: int, admin_url: str, repeat: int) -> dict:
    bench_url = with_database(admin_url, "foxreviews_bench")
    env = {**os.environ, "DATABASE_URL": bench_url, "LOG_LEVEL": "WARNING"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"stock_{rows}.csv"
    if not path.exists():
        print(f"generating {rows:,} rows → {path}", flush=True)
        run([PYTHON, "manage.py", "generate_sirene", "--rows", str(rows), "--out", str(path),
             "--seed", "2026"], env)  # fmt: skip
    size_mb = path.stat().st_size / 1e6

    fresh_database(admin_url, bench_url, env)
    copies = [raw_copy(bench_url, path) for _ in range(repeat)]
    imports, reimports, increments = [], [], []
    for attempt in range(repeat):
        if attempt:
            fresh_database(admin_url, bench_url, env)
        print(f"{rows:,} rows: import into an empty directory ({attempt + 1}/{repeat})", flush=True)
        imports.append(run([PYTHON, "manage.py", "import_entreprises_bulk", str(path),
                            "--no-progress"], env))  # fmt: skip
        print(f"{rows:,} rows: re-import", flush=True)
        reimports.append(run([PYTHON, "manage.py", "import_entreprises_bulk", str(path),
                              "--no-progress"], env))  # fmt: skip
        delta = changed_rows(path, DATA / f"changed_{rows}.csv", INCREMENTAL_ROWS)
        print(f"{rows:,} rows: incremental {INCREMENTAL_ROWS:,} changed rows", flush=True)
        increments.append(run([PYTHON, "manage.py", "import_entreprises_bulk", str(delta),
                               "--no-progress"], env))  # fmt: skip

    def median(runs):
        return statistics.median(r[0] for r in runs)

    copy_s = statistics.median(copies)
    result = {
        "rows": rows,
        "size_mb": size_mb,
        "copy_s": copy_s,
        "import_s": median(imports),
        "import_rss": max(r[1] for r in imports),
        "import_counts": counters(imports[-1][2]),
        "index_s": float(re.search(r"indexes ([\d.]+)s", imports[-1][2]).group(1)),
        "reimport_s": median(reimports),
        "reimport_rss": max(r[1] for r in reimports),
        "reimport_counts": counters(reimports[-1][2]),
        "incr_s": median(increments),
        "incr_rss": max(r[1] for r in increments),
        "incr_counts": counters(increments[-1][2]),
        "repeat": repeat,
    }
    print_result(result)
    return result


def print_result(r: dict) -> None:
    rows = r["rows"]
    print(
        f"\n{rows:,} rows ({r['size_mb']:,.0f} MB), medians of {r['repeat']} run(s):\n"
        f"  (a) raw COPY, unlogged, no index : {r['copy_s']:7.1f}s  {rows / r['copy_s']:>10,.0f} rows/s\n"
        f"  (b) import into empty directory  : {r['import_s']:7.1f}s  {rows / r['import_s']:>10,.0f} rows/s"
        f"  {r['import_s'] / r['copy_s']:5.1f}x COPY  peak RSS {r['import_rss']} MB"
        f"  (indexes {r['index_s']:.1f}s)  {r['import_counts']}\n"
        f"  (c) re-import of the same file   : {r['reimport_s']:7.1f}s  {rows / r['reimport_s']:>10,.0f} rows/s"
        f"  {r['reimport_s'] / r['copy_s']:5.1f}x COPY  peak RSS {r['reimport_rss']} MB  {r['reimport_counts']}\n"
        f"  (d) incremental {INCREMENTAL_ROWS:,} changed rows : {r['incr_s']:7.1f}s"
        f"  peak RSS {r['incr_rss']} MB  {r['incr_counts']}",
        flush=True,
    )


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, Python {platform.python_version()}"
    )


def append_results(results: list[dict], server: str) -> None:
    lines = [
        f"\n## Bulk import — {datetime.date.today().isoformat()}",
        f"Machine: {machine()}. PostgreSQL: {server}. Script: `bench/import_bench.py`.",
        "Medians of the runs shown; (a) is a raw COPY of the same file into an UNLOGGED "
        "table without index, measured in the same run.",
        "",
        "| rows | raw COPY (a) | import, empty DB (b) | b / a | peak RSS | indexes | "
        "re-import (c) | written on (c) | incremental 50k (d) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        written = r["reimport_counts"]["created"] + r["reimport_counts"]["updated"]
        lines.append(
            f"| {r['rows']:,} | {r['copy_s']:.1f}s | {r['import_s']:.1f}s "
            f"({r['rows'] / r['import_s']:,.0f} rows/s) | {r['import_s'] / r['copy_s']:.1f}x | "
            f"{max(r['import_rss'], r['reimport_rss'], r['incr_rss'])} MB | {r['index_s']:.1f}s | "
            f"{r['reimport_s']:.1f}s | {written} | {r['incr_s']:.1f}s |"
        )
    with open(RESULTS, "a", encoding="utf-8") as handle:
        if handle.tell() == 0:
            handle.write(
                "# Benchmark results\n\nEvery figure below was measured by the script named.\n"
            )
        handle.write("\n".join(lines) + "\n")
    print(f"\nappended to {RESULTS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 4_000_000])
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement")
    args = parser.parse_args()
    admin_url = with_database(server_url(), "postgres")
    import psycopg

    with psycopg.connect(admin_url) as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    results = [bench_size(rows, admin_url, args.repeat) for rows in args.rows]
    append_results(results, server)


if __name__ == "__main__":
    main()
