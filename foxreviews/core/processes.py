"""Processes of this machine as the runtime, the import's lock and the workers see them: alive
or not, their environment, the memory a task may take."""

import contextlib
import os
import resource
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


@contextlib.contextmanager
def memory_budget(megabytes: int) -> Iterator[None]:
    """Allocations that would take this process more than `megabytes` beyond what it holds now
    fail with MemoryError until the block ends: one task's cap in a worker child (which runs one
    task at a time). Linux's RLIMIT_DATA counts the heap and private mappings, where Python's
    objects live. 0, or a system without it: no cap."""
    in_use = _data_bytes()
    if not megabytes or in_use is None or not hasattr(resource, "RLIMIT_DATA"):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = in_use + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _data_bytes() -> int | None:
    """This process's data segment (VmData), as the kernel weighs it against RLIMIT_DATA."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None
