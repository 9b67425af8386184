#!/usr/bin/env python
"""Benchmark of the read API over HTTP, side by side with what a plain DRF ModelViewSet gives.

    .venv/bin/python bench/api_bench.py                       # 4M entreprises
    .venv/bin/python bench/api_bench.py --rows 1000000 --duration 5
    .venv/bin/python bench/api_bench.py --reload              # rebuild the database first
    .venv/bin/python bench/api_bench.py --compare ../wt-base  # side by side with another checkout

A scratch database `foxreviews_apibench_<rows>` (on DATABASE_URL's server, else the embedded
one) is filled once with the bulk import of a synthetic SIRENE file, ratings on a third of the
pro-localisations and sponsorisations on 1 %, then the statistics are counted; it is kept for
the next run (--reload rebuilds it). The web process runs as in production (uvicorn with
`--workers 2`, production settings, pooled connections, rate limits on with a rate no client
reaches) plus the baseline routes of bench/api_baseline.py. `wrk` (the Debian package; one
thread, on loopback) drives each endpoint for --duration seconds after a warm-up, rotating
through its list of URLs; its Lua hook reports p50/p95/p99 and requests/s. Non-2xx answers
are counted and make the figure void. With `--compare TREE` (another checkout of the project,
e.g. a `git worktree` of an older commit, with its own .venv), that tree's web process serves the
same database on another port, and each endpoint is measured on both, in turn, in each round.
With `--nginx`, as deployed: nginx (the Debian package; least_conn) in front of two web processes
of one worker each, per checkout.
Figures are printed and appended to bench/RESULTS.md with the machine and the date. The server, and any embedded server the script started, are stopped
when it ends.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from import_bench import DATA, PYTHON, ROOT, Servers, machine, record, run, with_database

sys.path.insert(0, str(ROOT))
from foxreviews.runtime.ports import web_answers

BENCH = ROOT / "bench"
DEEP_OFFSET = 200_000  # page 10,000 of 20
LUA = r"""
local paths, i = {}, 0
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT %d %d %d %d %d %d\n", latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""
# what visitors type: a trade and a place, read by the search itself (issue 23)
TRADE_PLACE_QUERIES = ("plombier lyon", "coiffeur paris 11", "boulangerie 69003",
                       "restaurant finistere")  # fmt: skip
TARGETS = {  # p95 in ms, from issue 21
    "entreprises, first page": 15,
    "entreprises, page 10,000 (cursor)": 15,
    "search, trade + ville": 50,
    "search, typo + ville": 50,
    **{f"search q: {q}": 30 for q in TRADE_PLACE_QUERIES},  # issue 23
    "villes autocomplete": 5,
    "stats": 5,
}
RPS_TARGETS = {"villes autocomplete": 1_500}  # with --connections in flight


# -- the data -----------------------------------------------------------------------------------
def prepared_database(servers: Servers, rows: int, reload: bool) -> tuple[str, dict]:
    import psycopg

    name = f"foxreviews_apibench_{rows}"
    admin_url = with_database(servers.urls["DATABASE_URL"], "postgres")
    url = with_database(servers.urls["DATABASE_URL"], name)
    env = {**os.environ, **servers.urls, "DATABASE_URL": url,
           "FOXREVIEWS_VAR_DIR": str(DATA / f"var-{name}"), "DJANGO_SECRET_KEY": "bench"}  # fmt: skip
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists and not reload:
        with psycopg.connect(url) as conn:
            done = conn.execute("SELECT count(*) FROM stats_totals WHERE entreprises > 0")
            if done.fetchone()[0]:
                print(f"reusing {name} (migrated to this commit, reference data loaded again)")
                run([PYTHON, "manage.py", "migrate", "-v0"], env)
                run([PYTHON, "manage.py", "load_reference_data"], env)  # the vocabulary...
                return url, env
    from import_bench import fresh_database

    print(f"building {name}: migrate, reference data, {rows:,} rows...", flush=True)
    fresh_database(admin_url, name, env, ROOT)
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"stock_{rows}.csv"
    if not path.exists():
        run([PYTHON, "manage.py", "generate_sirene", "--rows", str(rows), "--out", str(path),
             "--seed", "1"], env)  # fmt: skip
    seconds, _, output = run([PYTHON, "manage.py", "import_entreprises_bulk", str(path),
                              "--no-progress", "--rejects", str(DATA / "apibench-rejects.csv")],
                             env)  # fmt: skip
    print(f"imported in {seconds:.0f}s: {output.strip().splitlines()[-1][:160]}", flush=True)
    with psycopg.connect(url, autocommit=True) as conn:
        # a third rated, 1 % sponsored now: the listing's order has something to sort
        conn.execute(
            "UPDATE enterprise_prolocalisation SET nombre_avis = 1 + (id % 40), "
            "note_moyenne = round((1 + (id * 7919 % 400) / 100.0)::numeric, 2) WHERE id % 3 = 0"
        )
        conn.execute(
            "INSERT INTO sponsorship_sponsorisation (created_at, updated_at, prolocalisation_id, "
            "date_debut, date_fin, montant, is_active) "
            "SELECT now(), now(), id, now() - interval '1 day', now() + interval '30 days', 49, "
            "true FROM enterprise_prolocalisation WHERE id % 100 = 7"
        )
        conn.execute("VACUUM ANALYZE")
        for view in ("stats_departement", "stats_souscategorie", "stats_categorie", "stats_totals"):
            conn.execute(f"REFRESH MATERIALIZED VIEW {view}")
    return url, env


def scenarios(url: str, rows_in_table: int) -> dict[str, list[str]]:
    """The URLs of each endpoint, chosen from the data (cursors, popular pairs, prefixes)."""
    import psycopg

    with psycopg.connect(url) as conn:

        def rows(query, *params):
            return conn.execute(query, params).fetchall()

        deep = []
        for key, order, fields in (("-created", "created_at DESC, id DESC", "created_at, id"),
                                   ("nom", "nom, id", "nom, id")):  # fmt: skip
            for offset in (DEEP_OFFSET, DEEP_OFFSET + 77_777, DEEP_OFFSET * 2):
                offset %= rows_in_table  # a smaller table: somewhere inside it
                value = rows(f"SELECT {fields} FROM enterprise_entreprise "  # noqa: S608
                             f"ORDER BY {order} OFFSET %s LIMIT 1", offset)[0]  # fmt: skip
                # the format of KeysetPagination.encode_cursor (importing DRF here needs settings)
                values = [v.isoformat() if hasattr(v, "isoformat") else v for v in value]
                token = json.dumps({"o": key, "v": values, "p": False})
                cursor = base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")
                deep.append(f"/api/entreprises/?ordering={key}&cursor={cursor}")
        big_villes = [r[0] for r in rows(
            "SELECT v.code_insee FROM location_ville v JOIN enterprise_entreprise e "
            "ON e.ville_id = v.id GROUP BY v.code_insee ORDER BY count(*) DESC LIMIT 12")]  # fmt: skip
        pairs = rows(
            "SELECT v.code_insee, s.slug FROM enterprise_prolocalisation p "
            "JOIN location_ville v ON v.id = p.ville_id "
            "JOIN category_souscategorie s ON s.id = p.sous_categorie_id "
            "WHERE p.is_active GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 20"
        )
        prefixes = sorted({r[0] for r in rows(
            "SELECT left(nom_recherche, n) FROM location_ville, generate_series(3, 6) n "
            "ORDER BY population DESC NULLS LAST LIMIT 400")})  # fmt: skip
        naf = [r[0] for r in rows(
            "SELECT naf_code FROM enterprise_entreprise WHERE naf_code <> '' "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 4")]  # fmt: skip
    trades = ["boulangerie", "garage", "coiffure", "pharmacie", "plomberie", "epicerie"]
    typos = ["boulangrie", "garrage", "coifure", "pharmacei", "plombrie", "epicrie"]
    return {
        "entreprises, first page": [
            "/api/entreprises/?page_size=20",
            "/api/entreprises/?page_size=20&ordering=nom",
        ],
        "entreprises, page 10,000 (cursor)": deep,
        "baseline: OFFSET page 10,000": [
            "/baseline/entreprises/?page=10000",
            "/baseline/entreprises/?page=13889",
        ],
        "entreprises, ville + NAF": [
            f"/api/entreprises/?ville={v}&naf_code={n}" for v in big_villes for n in naf
        ],
        "search, trade + ville": [
            f"/api/search/?q={t}&ville={v}" for t in trades for v in big_villes
        ],
        "search, typo + ville": [
            f"/api/search/?q={t}&ville={v}" for t in typos for v in big_villes
        ],
        "search, national": [f"/api/search/?q={t}%20martin" for t in trades],
        **{f"search q: {q}": [f"/api/search/?q={quote(q)}"] for q in TRADE_PLACE_QUERIES},
        "baseline: icontains search": [f"/baseline/entreprises/?search={t}" for t in trades],
        "villes autocomplete": [f"/api/villes/autocomplete/?q={quote(p)}" for p in prefixes],
        "prolocalisations listing": [
            f"/api/prolocalisations/?ville={v}&sous_categorie={s}" for v, s in pairs
        ],
        "stats": ["/api/stats/"],
        "baseline: COUNT(*) stats": ["/baseline/stats/"],
    }


# -- the server and the load --------------------------------------------------------------------
def start_server(
    env: dict, port: int, tree: Path = ROOT, workers: int = 2, **changes: str
) -> subprocess.Popen:
    """The web process of the checkout `tree`, with its own virtualenv, bench settings and code;
    `changes` to its environment last (the anonymous limit is out of the way by default)."""
    env = {**env, "DJANGO_SETTINGS_MODULE": "api_settings",
           "PYTHONPATH": f"{tree / 'bench'}:{tree}", "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "FOXREVIEWS_PROCESS": "web", "API_THROTTLE_ANON": "100000000/minute",
           "LOG_LEVEL": "WARNING", **changes}  # fmt: skip
    log = open(DATA / f"apibench-server-{port}.log", "w")  # noqa: SIM115 (the server's whole life)
    python = tree / ".venv" / "bin" / "python" if tree != ROOT else Path(PYTHON)
    process = subprocess.Popen(
        [str(python), "-m", "foxreviews.runtime.web", "--port", str(port),
         "--workers", str(workers)],
        env=env, cwd=tree, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    wait_healthy(process, port, 90, f"the web server did not start; see {log.name}")
    return process


def wait_healthy(process: subprocess.Popen, port: int, seconds: float, failure: str) -> None:
    """Until /health/ answers on `port`; else stop `process` and exit with `failure`."""
    alive = lambda: process.poll() is None  # noqa: E731
    if not web_answers(f"http://127.0.0.1:{port}", seconds=seconds, alive=alive):
        stop_server(process)
        raise SystemExit(failure)


NGINX_CONF = """
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
{servers}
}}
"""
NGINX_SERVER = """
  upstream web{front} {{
    least_conn;
{backends}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{front};
    location / {{
      proxy_pass http://web{front};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
    }}
  }}
"""


def start_nginx(fronts: dict[int, list[int]], folder: Path) -> subprocess.Popen:
    """nginx in front of the web processes, as in a deployment: each front port spreads its
    connections over its backends (least_conn), keeping connections to them open."""
    if subprocess.run(["which", "nginx"], capture_output=True).returncode != 0:
        raise SystemExit("nginx is missing: apt install nginx")
    folder.mkdir(parents=True, exist_ok=True)
    servers = "".join(
        NGINX_SERVER.format(
            front=front,
            backends="\n".join(f"    server 127.0.0.1:{port};" for port in backends),
        )
        for front, backends in fronts.items()
    )
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(folder=folder, servers=servers))
    process = subprocess.Popen(
        ["nginx", "-c", str(conf), "-p", str(folder), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=open(folder / "stderr.log", "w"),  # noqa: SIM115
        start_new_session=True,
    )  # fmt: skip
    for front in fronts:
        wait_healthy(process, front, 20, f"nginx did not start; see {folder}")
    return process


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def workers(server: subprocess.Popen) -> list[int]:
    """The web worker processes uvicorn spawned (not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit():
                continue
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if parent == server.pid and b"spawn_main" in command:
            found.append(int(entry.name))
    return sorted(found)


def cpu_ticks(pids: list[int]) -> list[int]:
    ticks = []
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks.append(int(fields[11]) + int(fields[12]))  # utime + stime
    return ticks


def load(port: int, paths: list[str], duration: int, connections: int, pids: list[int]) -> dict:
    """Latency with two requests in flight (what a visitor waits), then throughput with
    `connections` in flight (what the machine serves). uvicorn's workers share one listening
    socket and each keeps the connections it accepted (in a deployment, nginx spreads them):
    `split` says how the latency run went, the busiest worker's share of the workers' CPU time
    (50 %: one connection each; 100 %: both on one worker, which served them in turn)."""
    with tempfile.TemporaryDirectory() as folder:
        script, listing = Path(folder) / "rotate.lua", Path(folder) / "paths"
        script.write_text(LUA)
        listing.write_text("\n".join(paths) + "\n")
        env = {**os.environ, "WRK_PATHS": str(listing)}

        def wrk(seconds: int, clients: int) -> dict:
            done = subprocess.run(
                ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s",
                 "-s", str(script), f"http://127.0.0.1:{port}"],
                env=env, capture_output=True, text=True, timeout=seconds + 60, check=True,
            )  # fmt: skip
            line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT"))
            p50, p95, p99, requests, micros, errors = (int(x) for x in line.split()[1:])
            return {"p50": p50 / 1000, "p95": p95 / 1000, "p99": p99 / 1000,
                    "rps": requests / (micros / 1e6), "errors": errors}  # fmt: skip

        wrk(2, connections)  # warm-up: connections, the pool, the caches the endpoint keeps
        before = cpu_ticks(pids)
        latency = wrk(duration, 2)
        used = [after - start for start, after in zip(before, cpu_ticks(pids), strict=True)]
        throughput = wrk(duration, connections)
    split = 100 * max(used) / sum(used) if sum(used) else 100.0
    return {**latency, "rps": throughput["rps"], "p95_loaded": throughput["p95"],
            "errors": latency["errors"] + throughput["errors"], "urls": len(paths),
            "split": split}  # fmt: skip


def wait_idle(url: str, limit: float = 180) -> None:
    """Until the web processes run no query: a baseline's requests that wrk gave up on keep
    running in PostgreSQL and would slow the next endpoint down."""
    import psycopg

    deadline = time.monotonic() + limit
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            busy = conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name = 'foxreviews-web' AND state = 'active'"
            ).fetchone()[0]
            if not busy:
                return
            time.sleep(0.5)


def first_status(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


# -- report -------------------------------------------------------------------------------------
def medians(runs: list[dict]) -> dict:
    """Each figure's median over the rounds (non-2xx answers: their sum)."""
    return {
        key: sum(r[key] for r in runs)
        if key == "errors"
        else statistics.median(r[key] for r in runs)
        for key in runs[0]
    }


def verdict(name: str, r: dict) -> str:
    target = TARGETS.get(name)
    if target is None:
        return ""
    met = r["p95"] <= target and not r["errors"]
    if name in RPS_TARGETS:
        met = met and r["rps"] >= RPS_TARGETS[name]
        return f"≤ {target} ms, ≥ {RPS_TARGETS[name]:,} req/s: {'met' if met else 'NOT met'}"
    return f"≤ {target} ms: {'met' if met else 'NOT met'}"


def intro(rows: int, server: str, duration: int, conns: int, count: int, nginx: bool) -> str:
    web = (
        "nginx (one worker process, least_conn, keep-alive to the backends) in front of two web "
        "processes of one uvicorn worker each"
        if nginx
        else "uvicorn --workers 2"
    )
    return (
        f"Machine: {machine()}. PostgreSQL: {server}. Script: `bench/api_bench.py`. "
        f"{rows:,} entreprises (bulk import of the synthetic file), {web}, with the "
        f"production settings; `wrk -t1` on loopback, rotating through the URLs listed per "
        f"endpoint: after a 2 s warm-up, {duration}s with 2 requests in flight (p50/p95/p99, in "
        f"ms: what a visitor waits) then {duration}s with {conns} in flight (req/s, and the p95 "
        "under that load)."
        + (
            f" {count} rounds, endpoints in turn in each; figures are medians over the rounds."
            if count > 1
            else ""
        )
        + " Busiest worker: its share of the two web workers' CPU time during the 2-in-flight run, "
        "per round (50 %: one connection each; 100 %: wrk's two connections were accepted by "
        "one worker, which then served both in turn)."
    )


def splits(runs: list[dict]) -> str:
    return ", ".join(f"{run['split']:.0f} %" for run in runs)


def report(
    rounds: dict[str, list[dict]], rows: int, server: str, duration: int, conns: int, nginx: bool
) -> str:
    """Each figure is the median over the rounds; a ratio is the median of the rounds' ratios
    (both sides measured in the same round), with each round's ratio when there are several."""
    results = {name: medians(runs) for name, runs in rounds.items() if runs}
    count = max((len(runs) for runs in rounds.values()), default=0)

    def ratio(slow: str, fast: str) -> str:
        if not (rounds.get(slow) and rounds.get(fast)):
            return "n/a"
        each = [s["p95"] / f["p95"] for s, f in zip(rounds[slow], rounds[fast], strict=True)]
        text = f"{statistics.median(each):,.0f}x"
        return (
            text if len(each) == 1 else f"{text} (rounds: {', '.join(f'{x:,.0f}x' for x in each)})"
        )

    lines = [
        f"\n## Read API over HTTP — {datetime.date.today().isoformat()}",
        intro(rows, server, duration, conns, count, nginx),
        "",
        "| endpoint | URLs | p50 | p95 | p99 | req/s | p95 under load | non-2xx | busiest worker "
        "| target |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['urls']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
            f"{r['rps']:,.0f} | {r['p95_loaded']:.1f} | {r['errors']} | "
            f"{splits(rounds[name])} | {verdict(name, r)} |"
        )
    if any(name.startswith("baseline") for name in results):
        lines += [
            "",
            "Side by side, p95: OFFSET page 10,000 / cursor page 10,000 = "
            f"{ratio('baseline: OFFSET page 10,000', 'entreprises, page 10,000 (cursor)')}; "
            "icontains / search (trade + ville) = "
            f"{ratio('baseline: icontains search', 'search, trade + ville')}; "
            f"COUNT(*) stats / materialized stats = {ratio('baseline: COUNT(*) stats', 'stats')}.",
        ]
    return "\n".join(lines) + "\n"


def compare_report(
    rounds: dict[str, dict[str, list[dict]]], labels: list[str], rows: int, server: str,
    duration: int, conns: int, nginx: bool,
) -> str:  # fmt: skip
    """Two checkouts, each endpoint measured on both in each round: medians side by side."""
    this, other = labels
    names = [name for name in rounds[this] if rounds[this][name]]
    count = max(len(rounds[this][name]) for name in names)
    lines = [
        f"\n## Read API over HTTP, side by side — {datetime.date.today().isoformat()}",
        intro(rows, server, duration, conns, count, nginx)
        + " Both checkouts' web processes ran at once on the same database, each "
        "endpoint measured on one then the other, the order alternating by round.",
        "",
        f"| endpoint | URLs | {this}: p50 | p95 | p99 | req/s | p95 under load | busiest worker "
        f"| {other}: p50 | p95 | p99 | req/s | p95 under load | busiest worker | non-2xx "
        f"| target ({this}) | target ({other}) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        a, b = medians(rounds[this][name]), medians(rounds[other][name])
        lines.append(
            f"| {name} | {a['urls']} | {a['p50']:.1f} | {a['p95']:.1f} | {a['p99']:.1f} | "
            f"{a['rps']:,.0f} | {a['p95_loaded']:.1f} | {splits(rounds[this][name])} | "
            f"{b['p50']:.1f} | {b['p95']:.1f} | {b['p99']:.1f} | {b['rps']:,.0f} | "
            f"{b['p95_loaded']:.1f} | {splits(rounds[other][name])} | "
            f"{a['errors']} / {b['errors']} | {verdict(name, a)} | {verdict(name, b)} |"
        )
    return "\n".join(lines) + "\n"


def measure(name: str, paths: list[str], port: int, args, pids: list[int], url: str) -> dict:
    wait_idle(url)
    bad = [p for p in paths[:3] if first_status(port, p) != 200]
    if bad:
        raise SystemExit(f"{name}: {bad[0]} does not answer 200 on port {port}")
    # a baseline answers in seconds: long enough for a few samples
    seconds = max(args.duration, 20) if name.startswith("baseline") else args.duration
    return load(port, paths, seconds, args.connections, pids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=4_000_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=18500)
    parser.add_argument("--only", help="endpoints whose name contains this text ('a|b': either)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure every endpoint this many times, in turn; report medians",
    )
    parser.add_argument(
        "--compare", type=Path, help="another checkout (with its .venv) to measure side by side"
    )
    parser.add_argument("--label", default="this commit", help="this checkout's column")
    parser.add_argument("--compare-label", help="the other checkout's column (default: its HEAD)")
    parser.add_argument("--no-baselines", action="store_true", help="skip the plain DRF routes")
    parser.add_argument(
        "--nginx",
        action="store_true",
        help="as deployed: nginx (least_conn) in front of two one-worker web processes",
    )
    parser.add_argument("--reload", action="store_true", help="rebuild the scratch database")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        raise SystemExit("wrk is missing: apt install wrk")
    trees = [(args.label, ROOT)]
    if args.compare:
        tree = args.compare.resolve()
        head = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        trees.append((args.compare_label or f"commit {head}", tree))
    with Servers() as servers:
        import psycopg

        url, env = prepared_database(servers, args.rows, args.reload)
        with psycopg.connect(url) as conn:
            server = conn.execute("SHOW server_version").fetchone()[0]
        plan = scenarios(url, args.rows)
        if args.only:
            wanted = args.only.split("|")
            plan = {k: v for k, v in plan.items() if any(w in k for w in wanted)}
        if args.no_baselines:
            plan = {k: v for k, v in plan.items() if not k.startswith("baseline")}
        processes: list[subprocess.Popen] = []
        rounds: dict[str, dict[str, list[dict]]] = {
            label: {name: [] for name in plan} for label, _ in trees
        }
        try:
            webs, fronts = [], {}
            for index, (label, tree) in enumerate(trees):
                front = args.port + 10 * index
                if args.nginx:  # two processes of one worker each, behind nginx
                    backends = [front + 1, front + 2]
                    started = [start_server(env, port, tree, workers=1) for port in backends]
                    processes.extend(started)
                    fronts[front] = backends
                    webs.append((label, front, [process.pid for process in started]))
                else:
                    processes.append(start_server(env, front, tree))
                    webs.append((label, front, workers(processes[-1])))
            if fronts:
                processes.append(start_nginx(fronts, DATA / "apibench-nginx"))
            for number in range(1, args.rounds + 1):
                for name, paths in plan.items():
                    order = webs if number % 2 else webs[::-1]
                    for label, port, pids in order:
                        r = measure(name, paths, port, args, pids, url)
                        rounds[label][name].append(r)
                        print(f"{number}. {label[:14]:<14} {name:<36} p50 {r['p50']:7.1f}  "
                              f"p95 {r['p95']:7.1f}  p99 {r['p99']:7.1f} ms  {r['rps']:7,.0f} "
                              f"req/s (p95 {r['p95_loaded']:.1f})  split {r['split']:.0f} %  "
                              f"non-2xx {r['errors']}", flush=True)  # fmt: skip
        finally:
            for process in processes:
                stop_server(process)
    if args.compare:
        labels = [label for label, _ in trees]
        text = compare_report(
            rounds, labels, args.rows, server, args.duration, args.connections, args.nginx
        )
    else:
        text = report(
            rounds[args.label], args.rows, server, args.duration, args.connections, args.nginx
        )
    print(text)
    if not args.no_record:
        record(text)


if __name__ == "__main__":
    main()
