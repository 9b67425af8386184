#!/usr/bin/env python
"""Benchmark of the SIRENE bulk import, side by side with the physical limit of this machine.

    .venv/bin/python bench/import_bench.py                 # 1M and 4M rows
    .venv/bin/python bench/import_bench.py --rows 1000000  # one size
    .venv/bin/python bench/import_bench.py --rows 1000000 --repeat 3 --baseline 021d59f
                                    # and an older commit's import, run for run beside this one

For each size, in one run and against one PostgreSQL server (the embedded one unless
DATABASE_URL is set; a scratch database `foxreviews_bench` is created on it):
  (a) raw COPY of the file into an UNLOGGED table with no index (the physical limit),
  (b) `import_entreprises_bulk` into an empty directory (pro-localisations and indexes included),
  (c) the same import again (must write nothing),
  (d) an incremental import of 50,000 changed rows into the full tables,
and checks what (b) stored: the creation dates left empty against the file's impossible ones.
Each import runs as its own process; its peak RSS comes from wait4(). With --baseline, the
older commit (extracted with `git archive`) imports the same file into a second scratch
database, alternating with this commit run after run. Embedded servers the script had to start
are stopped when it ends. Figures are printed and appended to bench/RESULTS.md with the machine
and the date.
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


class Servers:
    """DATABASE_URL and REDIS_URL, or the embedded servers; stops only those it started
    (the platform's own owner: foxreviews.runtime.bootstrap.embedded_services)."""

    def __enter__(self) -> Servers:
        sys.path.insert(0, str(ROOT))
        from foxreviews.runtime.bootstrap import embedded_services

        self.owner = embedded_services()
        self.owner.__enter__()
        self.urls = {name: os.environ[name] for name in ("DATABASE_URL", "REDIS_URL")}
        return self

    def __exit__(self, *exc) -> None:
        self.owner.__exit__(*exc)


def with_database(url: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def run(command: list[str], env: dict, folder: Path = ROOT) -> tuple[float, int, str]:
    """Run a command in `folder` (its own code first on sys.path); (seconds, peak RSS in MB,
    output)."""
    env = {**env, "PYTHONPATH": str(folder)}
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=folder
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


def fresh_database(admin_url: str, database: str, env: dict, folder: Path) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        name = sql.Identifier(database)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    run([PYTHON, "manage.py", "migrate", "-v0"], env, folder)
    run([PYTHON, "manage.py", "load_reference_data"], env, folder)


def raw_copy(bench_url: str, path: Path) -> float:
    """COPY the whole file into an UNLOGGED table of text columns with no index."""
    import psycopg
    from psycopg import sql

    with open(path, "rb") as handle:
        header = handle.readline().decode().strip().split(",")
        columns = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in header)
        with psycopg.connect(bench_url) as conn:
            conn.execute("DROP TABLE IF EXISTS bench_raw")
            conn.execute(sql.SQL("CREATE UNLOGGED TABLE bench_raw ({})").format(columns))
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


def expected_null_dates(path: Path) -> int:
    """Valid SIRETs of the file whose creation date is not a real date."""
    from stdnum.fr import siret

    count = 0
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not siret.is_valid(row["siret"]):
                continue
            try:
                datetime.date.fromisoformat(row["dateCreationEtablissement"])
            except ValueError:
                count += 1
    return count


def null_dates(bench_url: str) -> int:
    import psycopg

    with psycopg.connect(bench_url) as conn:
        return conn.execute(
            "SELECT count(*) FROM enterprise_entreprise WHERE date_creation IS NULL"
        ).fetchone()[0]


def extract(ref: str) -> Path:
    """The tree of commit `ref`, for running its import beside this one."""
    sha = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()  # fmt: skip
    folder = DATA / f"baseline-{sha}"
    if not (folder / "manage.py").exists():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, check=True,
                                 capture_output=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def bench_size(rows: int, servers: Servers, repeat: int, baseline: str | None) -> list[dict]:
    admin_url = with_database(servers.urls["DATABASE_URL"], "postgres")
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"stock_{rows}.csv"
    variants = [("this commit", ROOT, "foxreviews_bench")]
    if baseline:
        variants.append((f"baseline {baseline}", extract(baseline), "foxreviews_bench_base"))
    base_env = {**os.environ, **servers.urls, "LOG_LEVEL": "WARNING"}
    base_env.pop("DJANGO_SETTINGS_MODULE", None)
    if not path.exists():
        print(f"generating {rows:,} rows → {path}", flush=True)
        run([PYTHON, "manage.py", "generate_sirene", "--rows", str(rows), "--out", str(path),
             "--seed", "2026"], base_env)  # fmt: skip
    size_mb = path.stat().st_size / 1e6
    expected_nulls = expected_null_dates(path)
    delta = changed_rows(path, DATA / f"changed_{rows}.csv", INCREMENTAL_ROWS)

    copies = []
    runs = {name: {"imports": [], "reimports": [], "increments": [], "nulls": []}
            for name, _, _ in variants}  # fmt: skip
    for attempt in range(repeat):
        for name, folder, database in variants:
            bench_url = with_database(admin_url, database)
            env = {**base_env, "DATABASE_URL": bench_url,
                   "FOXREVIEWS_VAR_DIR": str(DATA / f"var-{database}")}  # fmt: skip
            fresh_database(admin_url, database, env, folder)
            if name == variants[0][0]:
                copies.append(raw_copy(bench_url, path))
            r = runs[name]
            print(f"{rows:,} rows, {name}: import into an empty directory "
                  f"({attempt + 1}/{repeat})", flush=True)  # fmt: skip
            command = [PYTHON, "manage.py", "import_entreprises_bulk"]
            r["imports"].append(run([*command, str(path), "--no-progress"], env, folder))
            r["nulls"].append(null_dates(bench_url))
            print(f"{rows:,} rows, {name}: re-import", flush=True)
            r["reimports"].append(run([*command, str(path), "--no-progress"], env, folder))
            print(f"{rows:,} rows, {name}: incremental {INCREMENTAL_ROWS:,} rows", flush=True)
            r["increments"].append(run([*command, str(delta), "--no-progress"], env, folder))

    def median(measures):
        return statistics.median(m[0] for m in measures)

    copy_s = statistics.median(copies)
    results = []
    for name, _, _ in variants:
        r = runs[name]
        result = {
            "variant": name,
            "rows": rows,
            "size_mb": size_mb,
            "copy_s": copy_s,
            "import_s": median(r["imports"]),
            "import_rss": max(m[1] for m in r["imports"]),
            "import_counts": counters(r["imports"][-1][2]),
            "index_s": statistics.median(
                float(re.search(r"indexes ([\d.]+)s", m[2]).group(1)) for m in r["imports"]
            ),
            "reimport_s": median(r["reimports"]),
            "reimport_rss": max(m[1] for m in r["reimports"]),
            "reimport_counts": counters(r["reimports"][-1][2]),
            "incr_s": median(r["increments"]),
            "incr_rss": max(m[1] for m in r["increments"]),
            "incr_counts": counters(r["increments"][-1][2]),
            "dates_lost": max(r["nulls"]) - expected_nulls,
            "repeat": repeat,
        }
        print_result(result)
        results.append(result)
    return results


def print_result(r: dict) -> None:
    rows = r["rows"]
    print(
        f"\n{r['variant']}: {rows:,} rows ({r['size_mb']:,.0f} MB), "
        f"medians of {r['repeat']} run(s):\n"
        f"  (a) raw COPY, unlogged, no index : {r['copy_s']:7.1f}s  {rows / r['copy_s']:>10,.0f} rows/s\n"
        f"  (b) import into empty directory  : {r['import_s']:7.1f}s  {rows / r['import_s']:>10,.0f} rows/s"
        f"  {r['import_s'] / r['copy_s']:5.1f}x COPY  peak RSS {r['import_rss']} MB"
        f"  (indexes {r['index_s']:.1f}s)  {r['import_counts']}\n"
        f"  (c) re-import of the same file   : {r['reimport_s']:7.1f}s  {rows / r['reimport_s']:>10,.0f} rows/s"
        f"  {r['reimport_s'] / r['copy_s']:5.1f}x COPY  peak RSS {r['reimport_rss']} MB  {r['reimport_counts']}\n"
        f"  (d) incremental {INCREMENTAL_ROWS:,} changed rows : {r['incr_s']:7.1f}s"
        f"  peak RSS {r['incr_rss']} MB  {r['incr_counts']}\n"
        f"  valid creation dates stored empty by (b): {r['dates_lost']:,}",
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
        f"Medians of {results[0]['repeat']} run(s); (a) is a raw COPY of the same file into an "
        "UNLOGGED table without index, measured in the same run; variants alternate run by run. "
        "`dates lost`: valid creation dates of the file stored empty.",
        "",
        "| variant | rows | raw COPY (a) | import, empty DB (b) | b / a | peak RSS | indexes | "
        "re-import (c) | written on (c) | incremental 50k (d) | dates lost |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        written = r["reimport_counts"]["created"] + r["reimport_counts"]["updated"]
        lines.append(
            f"| {r['variant']} | {r['rows']:,} | {r['copy_s']:.1f}s | {r['import_s']:.1f}s "
            f"({r['rows'] / r['import_s']:,.0f} rows/s) | {r['import_s'] / r['copy_s']:.1f}x | "
            f"{max(r['import_rss'], r['reimport_rss'], r['incr_rss'])} MB | {r['index_s']:.1f}s | "
            f"{r['reimport_s']:.1f}s | {written} | {r['incr_s']:.1f}s | {r['dates_lost']:,} |"
        )
    record("\n".join(lines) + "\n")


def record(text: str) -> None:
    """Append a section to bench/RESULTS.md (the file's heading first if it is new)."""
    with open(RESULTS, "a", encoding="utf-8") as handle:
        if handle.tell() == 0:
            handle.write(
                "# Benchmark results\n\nEvery figure below was measured by the script named.\n"
            )
        handle.write(text)
    print(f"\nappended to {RESULTS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 4_000_000])
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement")
    parser.add_argument("--baseline", help="a commit whose import runs beside this one")
    args = parser.parse_args()
    with Servers() as servers:
        import psycopg

        admin_url = with_database(servers.urls["DATABASE_URL"], "postgres")
        with psycopg.connect(admin_url) as conn:
            server = conn.execute("SHOW server_version").fetchone()[0]
        results = []
        for rows in args.rows:
            results += bench_size(rows, servers, args.repeat, args.baseline)
    append_results(results, server)


if __name__ == "__main__":
    main()
