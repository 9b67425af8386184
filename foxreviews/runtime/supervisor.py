"""`foxreviews up`: bring the whole platform up on one machine and take it down on Ctrl-C.

Order: database and Redis (embedded unless DATABASE_URL/REDIS_URL), migrations, static files,
reference data, demo data, admin account; then the web server (HTTP + websockets), a Celery
worker and Celery beat as child processes. Each child runs in its own session so that Ctrl-C
reaches the supervisor only, which then stops the children, then the embedded servers.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field

import structlog

from foxreviews.core.paths import ensure_dir, run_dir, var_dir

from .bootstrap import embedded_services, ensure_local_secret_key
from .ports import pick_port, pid_alive
from .postgres import EmbeddedPostgres
from .redis import EmbeddedRedis

logger = structlog.get_logger("foxreviews.up")

STATE_FILE = "up.json"


@dataclass
class UpOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    demo: bool = True
    demo_count: int = 3000
    worker_concurrency: int = 2


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    pump: threading.Thread | None = None


@dataclass
class Supervisor:
    options: UpOptions
    children: list[Child] = field(default_factory=list)
    embedded: dict[str, str] = field(default_factory=dict)
    stopping: bool = False
    # what this supervisor started and must stop: the embedded servers it had to start
    owned: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    # -- steps ---------------------------------------------------------------------------
    def prepare(self) -> tuple[str, str]:
        """Servers, schema and data; returns the admin (username, password)."""
        ensure_local_secret_key()
        ensure_dir(run_dir())
        origins = self.owned.enter_context(embedded_services())
        self.embedded = dict(origins)
        logger.info("data stores ready", **origins)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
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
        username, password = self._admin_credentials()
        from foxreviews.users.services import admin_user_ensure

        admin_user_ensure(username=username, password=password)
        connections.close_all()
        return username, password

    def start_children(self) -> str:
        port = pick_port(self.options.port, self.options.host)
        if port != self.options.port:
            logger.warning("port busy, using another", wanted=self.options.port, port=port)
        python = sys.executable
        self.children = [
            Child(
                "web",
                [python, "-m", "foxreviews.runtime.web", "--host", self.options.host,
                 "--port", str(port)],
            ),
            Child(
                "worker",
                [python, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO",
                 "-Q", celery_queues(), "--concurrency", str(self.options.worker_concurrency),
                 "--hostname", f"worker-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
            ),
            Child(
                "beat",
                [python, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
                 "--schedule", str(run_dir() / "celerybeat-schedule")],
            ),
        ]  # fmt: skip
        for child in self.children:
            self._spawn(child)
        base_url = f"http://{self.options.host}:{port}"
        self._wait_healthy(base_url)
        self._write_state(base_url)
        return base_url

    def run_until_stopped(self) -> int:
        """Block until a signal arrives or a child dies; returns the exit code."""
        while not self.stopping:
            for child in self.children:
                if child.process and child.process.poll() is not None:
                    logger.error("child exited", child=child.name, code=child.process.returncode)
                    return 1
            time.sleep(0.5)
        return 0

    def shutdown(self) -> None:
        self.stopping = True
        for child in reversed(self.children):
            self._terminate(child)
        deadline = time.monotonic() + 20
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("child did not stop in time, killing it", child=child.name)
                self._kill(child)
        for child in self.children:
            if child.pump:
                child.pump.join(timeout=2)
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

    def _spawn(self, child: Child) -> None:
        env = {**os.environ, "FOXREVIEWS_PROCESS": child.name, "PYTHONUNBUFFERED": "1"}
        child.process = subprocess.Popen(
            child.argv,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        child.pump = threading.Thread(target=_pump, args=(child,), daemon=True)
        child.pump.start()
        logger.info("started", child=child.name, pid=child.process.pid)

    def _terminate(self, child: Child) -> None:
        if child.process and child.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.process.pid, signal.SIGTERM)

    def _kill(self, child: Child) -> None:
        if child.process:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.process.pid, signal.SIGKILL)
            child.process.wait(timeout=5)

    def _wait_healthy(self, base_url: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            web = self.children[0].process
            if web is not None and web.poll() is not None:
                raise RuntimeError("the web server exited during start-up (see its lines above)")
            try:
                with urllib.request.urlopen(f"{base_url}/health/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the web server did not answer {base_url}/health/ in {timeout:.0f}s")

    def _write_state(self, base_url: str) -> None:
        state = {
            "pid": os.getpid(),
            "started_at": time.time(),
            "url": base_url,
            "children": {c.name: c.process.pid for c in self.children if c.process},
            "embedded": self.embedded,
        }
        (run_dir() / STATE_FILE).write_text(json.dumps(state, indent=2))


def _pump(child: Child) -> None:
    """Copy a child's output to our console, each line prefixed with the child's name."""
    assert child.process and child.process.stdout
    prefix = f"{child.name:>6} | "
    for raw in iter(child.process.stdout.readline, b""):
        sys.stdout.write(prefix + raw.decode("utf-8", "replace"))
        sys.stdout.flush()


def read_state() -> dict | None:
    path = run_dir() / STATE_FILE
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def banner(base_url: str, username: str, password: str, embedded: dict[str, str]) -> str:
    stores = ", ".join(f"{k.split('_')[0].lower()}: {v}" for k, v in embedded.items())
    lines = [
        "",
        "FoxReviews is up.",
        f"  Site / health  {base_url}/health/",
        f"  API            {base_url}/api/entreprises/   {base_url}/api/villes/?q=lyon",
        f"  API docs       {base_url}/api/docs/",
        f"  Admin          {base_url}/admin/   login: {username} / {password}",
        f"  Websocket      {base_url.replace('http', 'ws', 1)}/ws/notifications/",
        f"  Data stores    {stores}",
        f"  Logs           {var_dir() / 'log'}/*.jsonl",
        "Press Ctrl-C to stop everything.",
        "",
    ]
    return "\n".join(lines)


def up(options: UpOptions) -> int:
    existing = read_state()
    if existing and pid_alive(existing.get("pid")):
        print(f"foxreviews is already running (pid {existing['pid']}) at {existing['url']}")
        return 1
    supervisor = Supervisor(options)

    def on_signal(signum, frame):
        supervisor.stopping = True

    # Ctrl-C, a service manager, a closed terminal: each stops everything this started
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    code = 0
    try:
        username, password = supervisor.prepare()
        if supervisor.stopping:
            return 130
        base_url = supervisor.start_children()
        print(banner(base_url, username, password, supervisor.embedded), flush=True)
        code = supervisor.run_until_stopped()
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
    pg = EmbeddedPostgres().running_pid_and_port()
    rows.append(("embedded postgres", f"running (pid {pg[0]}, port {pg[1]})" if pg else "stopped"))
    rd = EmbeddedRedis().running_pid_and_port()
    rows.append(("embedded redis", f"running (pid {rd[0]}, port {rd[1]})" if rd else "stopped"))
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
