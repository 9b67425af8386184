"""`foxreviews up`: bring the whole platform up on one machine and take it down on Ctrl-C.

Order: database and Redis (embedded unless DATABASE_URL/REDIS_URL), migrations, static files,
reference data, demo data, admin account; then the processes of the Procfile (web server, Celery
worker, Celery beat), run by honcho's Manager: each in its own session, their output prefixed
with their name. Ctrl-C, SIGTERM or SIGHUP stops them, then the embedded servers this
supervisor started.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import sys
import threading
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import structlog
from honcho.environ import parse_procfile
from honcho.manager import SYSTEM_PRINTER_NAME, Manager
from honcho.printer import Printer

from foxreviews.core.paths import ensure_dir, run_dir, var_dir
from foxreviews.core.processes import pid_alive

from .bootstrap import embedded_services, ensure_local_secret_key
from .metrics_dir import MULTIPROC_ENV, fresh_shared_dir
from .ports import pick_port, web_answers
from .postgres import EmbeddedPostgres
from .redis import EmbeddedRedis

logger = structlog.get_logger("foxreviews.up")

STATE_FILE = "up.json"
PROCFILE = Path(__file__).with_name("Procfile")


class PidRecordingPrinter(Printer):
    """honcho's printer, also keeping the pid of each process honcho announces as started
    ("web started (pid=123)"): its Manager offers no public list of the processes it runs."""

    STARTED = re.compile(r"(?P<name>\S+) started \(pid=(?P<pid>\d+)\)")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pids: dict[str, int] = {}

    def write(self, message) -> None:
        if message.name == SYSTEM_PRINTER_NAME and isinstance(message.data, str):
            started = self.STARTED.fullmatch(message.data.strip())
            if started:
                self.pids[started["name"]] = int(started["pid"])
        super().write(message)


@dataclass
class UpOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    demo: bool = True
    demo_count: int = 3000
    worker_concurrency: int = 2


@dataclass
class Supervisor:
    options: UpOptions
    manager: Manager | None = None
    printer: PidRecordingPrinter | None = None
    base_url: str = ""
    flower_url: str = ""
    healthy: threading.Event = field(default_factory=threading.Event)
    embedded: dict[str, str] = field(default_factory=dict)
    stopping: bool = False
    # what this supervisor started and must stop: the embedded servers it had to start
    owned: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    # -- steps ---------------------------------------------------------------------------
    def prepare(self) -> tuple[str, str]:
        """Servers, schema and data; returns the admin (username, password)."""
        ensure_local_secret_key()
        ensure_dir(run_dir())
        # /metrics on by default here: it answers this machine only (METRICS_ALLOWED_IPS)
        os.environ.setdefault("METRICS_ENABLED", "true")
        origins = self.owned.enter_context(embedded_services())
        self.embedded = dict(origins)
        logger.info("data stores ready", **origins)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        os.environ["DJANGO_DEBUG"] = django_debug(os.environ)  # the processes inherit it
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        logger.info("migrations applied", seconds=round(time.monotonic() - started, 1))
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("load_reference_data")
        if self.options.demo:
            call_command("load_demo_data", count=self.options.demo_count)
        from foxreviews.stats.tasks import refresh_statistics_soon

        refresh_statistics_soon()  # the worker recounts what was just loaded (communes too)
        from foxreviews.semantic.tasks import embeddings_catch_up_soon

        embeddings_catch_up_soon()  # and computes its vectors (search by need, similar pros)
        username, password = self._admin_credentials()
        from foxreviews.users.services import admin_user_ensure

        admin_user_ensure(username=username, password=password)
        connections.close_all()
        return username, password

    def run_processes(self, on_ready) -> int:
        """Run the Procfile's processes until a signal or until one of them exits (then honcho
        stops the others); `on_ready(base_url)` is called once the web server is healthy."""
        port = pick_port(self.options.port, self.options.host)
        if port != self.options.port:
            logger.warning("port busy, using another", wanted=self.options.port, port=port)
        self.base_url = f"http://{self.options.host}:{port}"
        # on this machine only unless FLOWER_ADDRESS says otherwise (the Procfile's default)
        flower_address = os.environ.get("FLOWER_ADDRESS") or "127.0.0.1"
        flower_port = pick_port(port + 1 if port + 1 != 5555 else 5556, flower_address)
        self.flower_url = f"http://{flower_address}:{flower_port}/"
        username, password = self._admin_credentials()
        bin_dir = str(Path(sys.executable).parent)
        env = {
            **os.environ,
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),  # this install's python
            "PORT": str(port),
            # links in e-mails and payment pages, and the test payment provider's webhook
            # calls, go to the port actually served (config's default assumes 8000)
            "SITE_URL": os.environ.get("SITE_URL") or self.base_url,
            "FOXREVIEWS_HOST": self.options.host,
            "FOXREVIEWS_VAR_DIR": str(var_dir()),
            "CELERY_QUEUES": celery_queues(),
            "CELERY_CONCURRENCY": str(self.options.worker_concurrency),
            "FLOWER_PORT": str(flower_port),
            "FLOWER_BASIC_AUTH": f"{username}:{password}",  # Flower behind the admin's login
            "PYTHONUNBUFFERED": "1",
        }
        from django.conf import settings

        if settings.METRICS_ENABLED:  # one folder for all the processes, emptied: one scrape
            env[MULTIPROC_ENV] = str(fresh_shared_dir())  # sums them all, none of a past run
        self.printer = PidRecordingPrinter(sys.stdout, colour=False)
        self.manager = Manager(self.printer)
        for name, command in parse_procfile(PROCFILE.read_text()).processes.items():
            process_env = {**env, "FOXREVIEWS_PROCESS": name}
            if name == "flower":  # its own prometheus-client series stay out of the sums
                process_env.pop(MULTIPROC_ENV, None)
            self.manager.add_process(name, command, env=process_env)
        if self.stopping:
            return 130
        # honcho handles SIGINT and SIGTERM in loop(); a closed terminal stops everything too
        signal.signal(signal.SIGHUP, lambda *_: self.manager.terminate())
        watcher = threading.Thread(target=self._when_healthy, args=(on_ready,), daemon=True)
        watcher.start()
        self.manager.loop()
        self.stopping = True
        return 0 if self.manager.returncode in (0, 130, 143, -15, None) else 1

    def shutdown(self) -> None:
        self.stopping = True
        if self.manager is not None:
            self.manager.terminate()  # no-op when honcho already stopped them
        self.owned.close()  # stops the embedded servers this supervisor started, only those
        for name, origin in self.embedded.items():
            if origin == "embedded":
                logger.info("embedded server stopped", server=name)
        (run_dir() / STATE_FILE).unlink(missing_ok=True)

    # -- helpers -------------------------------------------------------------------------
    def _admin_credentials(self) -> tuple[str, str]:
        username = os.environ.get("FOXREVIEWS_ADMIN_USER", "admin")
        password = os.environ.get("FOXREVIEWS_ADMIN_PASSWORD")
        if not password:
            path = ensure_dir(var_dir()) / "admin_password"
            if not path.exists():
                path.write_text(secrets.token_urlsafe(12))
                path.chmod(0o600)
            password = path.read_text().strip()
        return username, password

    def _when_healthy(self, on_ready, timeout: float = 90) -> None:
        if web_answers(self.base_url, seconds=timeout, alive=lambda: not self.stopping):
            self._write_state()
            self.healthy.set()
            on_ready(self.base_url)
            return
        if not self.stopping:
            logger.error("the web server did not answer", url=f"{self.base_url}/health/")
            self.manager.terminate()

    def _write_state(self) -> None:
        state = {
            "pid": os.getpid(),
            "started_at": time.time(),
            "url": self.base_url,
            "children": dict(self.printer.pids) if self.printer else {},
            "embedded": self.embedded,
        }
        (run_dir() / STATE_FILE).write_text(json.dumps(state, indent=2))


def django_debug(environ: Mapping[str, str]) -> str:
    """DJANGO_DEBUG for `foxreviews up`: off, as a site runs (no error page listing every URL
    and setting, no query kept in memory), unless FOXREVIEWS_DEBUG=1."""
    return "true" if environ.get("FOXREVIEWS_DEBUG") == "1" else "false"


def read_state() -> dict | None:
    path = run_dir() / STATE_FILE
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def banner(
    base_url: str, username: str, password: str, embedded: dict[str, str], flower_url: str = ""
) -> str:
    stores = ", ".join(f"{k.split('_')[0].lower()}: {v}" for k, v in embedded.items())
    lines = [
        "",
        "FoxReviews is up.",
        f"  Site           {base_url}/   health: {base_url}/health/",
        f"  API            {base_url}/api/entreprises/   {base_url}/api/search/?q=boulangerie",
        f"                 {base_url}/api/villes/autocomplete/?q=lyon",
        f"  API docs       {base_url}/api/docs/",
        f"  Admin          {base_url}/admin/   login: {username} / {password}",
        f"  Websocket      {base_url.replace('http', 'ws', 1)}/ws/notifications/",
        f"  Flower (tasks) {flower_url}   login: {username} / {password}",
        *metrics_line(base_url),
        f"  Data stores    {stores}",
        f"  Logs           {var_dir() / 'log'}/*.jsonl",
        "Press Ctrl-C to stop everything.",
        "",
    ]
    return "\n".join(lines)


def metrics_line(base_url: str) -> list[str]:
    from django.conf import settings

    if not settings.METRICS_ENABLED:
        return []
    return [f"  Metrics        {base_url}/metrics   (Prometheus; METRICS_ALLOWED_IPS only)"]


def up(options: UpOptions) -> int:
    existing = read_state()
    if existing and pid_alive(existing.get("pid")):
        print(f"foxreviews is already running (pid {existing['pid']}) at {existing['url']}")
        return 1
    supervisor = Supervisor(options)

    def on_signal(signum, frame):
        supervisor.stopping = True

    # while preparing; honcho takes SIGINT and SIGTERM over while the processes run
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    code = 0
    try:
        username, password = supervisor.prepare()
        if supervisor.stopping:
            return 130

        def on_ready(base_url: str) -> None:
            print(
                banner(base_url, username, password, supervisor.embedded, supervisor.flower_url),
                flush=True,
            )

        code = supervisor.run_processes(on_ready)
        if not supervisor.healthy.is_set() and code == 0:
            code = 1  # stopped before it ever answered
    except Exception as exc:
        logger.error("start-up failed", error=str(exc))
        print(f"foxreviews up: {exc}", file=sys.stderr)
        code = 1
    finally:
        print("Stopping FoxReviews...", flush=True)
        supervisor.shutdown()
        print("Stopped.", flush=True)
    return code


def down() -> int:
    """Stop a running `foxreviews up` (or, if none, the embedded servers)."""
    state = read_state()
    if state and pid_alive(state.get("pid")):
        os.kill(state["pid"], signal.SIGTERM)
        deadline = time.monotonic() + 60
        while pid_alive(state["pid"]) and time.monotonic() < deadline:
            time.sleep(0.2)
        print(f"stopped foxreviews (pid {state['pid']})")
        return 0
    from .bootstrap import stop_embedded_servers

    stopped = stop_embedded_servers()
    print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    return 0


def status() -> int:
    """Print what runs; exit 0 when the platform answers its health check, else 3."""
    state = read_state()
    rows: list[tuple[str, str]] = []
    for server in (EmbeddedPostgres(), EmbeddedRedis()):
        running = server.running()
        text = f"running (pid {running.pid}) at {running.url}" if running else "stopped"
        rows.append((f"embedded {server.name}", text))
    healthy = False
    if state and pid_alive(state.get("pid")):
        rows.append(("supervisor", f"running (pid {state['pid']}) at {state['url']}"))
        for name, pid in state.get("children", {}).items():
            rows.append((name, f"{'running' if pid_alive(pid) else 'DEAD'} (pid {pid})"))
        try:
            with urllib.request.urlopen(f"{state['url']}/health/", timeout=3) as response:  # noqa: S310
                body = json.loads(response.read())
                healthy = response.status == 200
                rows.append(("health", body.get("status", "?")))
        except OSError as exc:
            rows.append(("health", f"unreachable ({exc})"))
    else:
        rows.append(("supervisor", "not running (start it with: foxreviews up)"))
    width = max(len(name) for name, _ in rows)
    for name, text in rows:
        print(f"{name:<{width}}  {text}")
    return 0 if healthy else 3


def celery_queues() -> str:
    """Every queue of the settings, for the one worker of `foxreviews up`."""
    from django.conf import settings

    return ",".join(queue.name for queue in settings.CELERY_TASK_QUEUES)
