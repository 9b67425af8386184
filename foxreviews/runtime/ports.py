"""Loopback ports: free ones for the embedded Redis and `foxreviews up`, and waiting for a web
server to answer on one (the supervisor, the tests' and the benchmarks' web processes)."""

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def pick_port(preferred: int, host: str = "127.0.0.1", attempts: int = 50) -> int:
    """The preferred port if it is free, else the next free one above it."""
    for port in range(preferred, preferred + attempts):
        if port_is_free(port, host):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def free_port(host: str = "127.0.0.1") -> int:
    """A port the system says is free now (tests: no two runs side by side race for the same
    preferred port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def web_answers(
    base_url: str, *, seconds: float, alive: Callable[[], bool] = lambda: True, any_status=False
) -> bool:
    """True once `base_url`/health/ answers 200 (any HTTP status with `any_status`: a test may
    have taken a data store away); False when `seconds` pass or `alive()` turns false first."""
    deadline = time.monotonic() + seconds
    while alive() and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/health/", timeout=2):  # noqa: S310 (ours)
                return True
        except urllib.error.HTTPError:
            if any_status:
                return True
        except OSError:
            pass
        time.sleep(0.25)
    return False
