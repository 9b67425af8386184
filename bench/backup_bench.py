#!/usr/bin/env python
"""Benchmark of a backup and a verified restore of the 1M-entreprise database (issue 26: ≤ 3 min).

    FOXREVIEWS_VAR_DIR=/work/benchvar-backup .venv/bin/python bench/backup_bench.py
    .venv/bin/python bench/backup_bench.py --rows 1000000 --reload     # rebuild the database
    .venv/bin/python bench/backup_bench.py --prepare-only              # only build the database

The scratch database `foxreviews_apibench_<rows>` (on DATABASE_URL's server, else the embedded
one of FOXREVIEWS_VAR_DIR) is built as bench/api_bench.py builds it, or reused. Then, each as
its own process, as an operator runs them: `foxreviews backup --dir FOLDER` (pg_dump -Fc in the
snapshot its row counts are taken in, the SHA-256, the manifest), and `foxreviews restore FILE
--into foxreviews_backupbench_restore` (checksum, a new database, pg_restore, every table's rows
counted against the manifest). The restored database is dropped at the end. Figures are printed
and appended to bench/RESULTS.md with the machine and the date. Embedded servers the script
started are stopped when it ends.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import time

from api_bench import prepared_database
from import_bench import DATA, PYTHON, Servers, machine, record, run, with_database

TARGET_SECONDS = 180
RESTORED = "foxreviews_backupbench_restore"


def drop(admin_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reload", action="store_true", help="rebuild the scratch database")
    parser.add_argument("--prepare-only", action="store_true", help="build the database, stop")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    with Servers() as servers:
        import psycopg

        url, env = prepared_database(servers, args.rows, args.reload)
        if args.prepare_only:
            return
        admin_url = with_database(servers.urls["DATABASE_URL"], "postgres")
        with psycopg.connect(url) as conn:
            server = conn.execute("SHOW server_version").fetchone()[0]
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        folder = DATA / "backup-bench"
        shutil.rmtree(folder, ignore_errors=True)
        drop(admin_url, RESTORED)
        try:
            backup_s, _, output = run([PYTHON, "manage.py", "backup", "--dir", str(folder)], env)
            print(output.strip(), flush=True)
            dump = next(folder.glob("*.dump"))
            manifest = json.loads(dump.with_suffix(".manifest.json").read_text())
            restore_s, _, output = run(
                [PYTHON, "manage.py", "restore", str(dump), "--into", RESTORED], env
            )
            print(output.strip(), flush=True)
        finally:
            drop(admin_url, RESTORED)
            shutil.rmtree(folder, ignore_errors=True)
    total = backup_s + restore_s
    verdict = "met" if total <= TARGET_SECONDS else "NOT met"
    rows = sum(manifest["tables"].values())
    text = "\n".join([
        f"\n## Backup and verified restore — {datetime.date.today().isoformat()}",
        f"Machine: {machine()}. PostgreSQL: {server}. Script: `bench/backup_bench.py`. "
        f"{args.rows:,} entreprises (the api_bench database: {size / 2**30:.2f} GiB on disk, "
        f"{len(manifest['tables'])} tables, {rows:,} rows). Each step is its own process, as an "
        "operator runs it. The machine is shared with other sessions' work (tests, benchmarks): "
        "the figures are upper bounds of a quiet machine's.",
        "",
        "| step | seconds | what it did |",
        "|---|---|---|",
        f"| `foxreviews backup` | {backup_s:.1f} | pg_dump -Fc in the exported snapshot, row "
        f"counts in that snapshot, SHA-256; dump {manifest['size_bytes'] / 2**20:,.0f} MiB |",
        f"| `foxreviews restore --into` | {restore_s:.1f} | checksum, new database, pg_restore "
        f"(--jobs from BACKUP_RESTORE_JOBS), every table's count compared |",
        f"| total | {total:.1f} | target ≤ {TARGET_SECONDS} s: {verdict} |",
        "",
    ])  # fmt: skip
    print(text)
    if not args.no_record:
        record(text)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"done in {time.perf_counter() - started:.0f}s")
