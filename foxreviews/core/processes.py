"""Processes of this machine and their environment, as the runtime and the import's lock
see them."""

import contextlib
import os
from collections.abc import Iterator


def pid_alive(pid: int | None) -> bool:
    """True when a process with this pid exists (ours or another user's)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def preserved_environment(*names: str) -> Iterator[None]:
    """Puts these environment variables back as they were (set, changed or unset) on exit."""
    saved = {name: os.environ.get(name) for name in names}
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
