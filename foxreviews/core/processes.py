"""Processes of this machine, as the runtime and the import's lock see them."""

import os


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
