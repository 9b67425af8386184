"""The folder of prometheus-client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR): made empty by
the launcher of a group of processes before any of them imports prometheus-client, so that a
scrape sums the live processes of this run and none of an earlier one."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from foxreviews.core.paths import ensure_dir, var_dir

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # read by prometheus-client when first imported


def metrics_root() -> Path:
    return var_dir() / "metrics"


def fresh_shared_dir(name: str = "up") -> Path:
    """`foxreviews up`'s folder for all its processes (web, worker, beat), emptied."""
    path = metrics_root() / name
    shutil.rmtree(path, ignore_errors=True)
    return ensure_dir(path)


@contextlib.contextmanager
def private_dir_unless_given(prefix: str = "web-") -> Iterator[Path]:
    """The folder named by PROMETHEUS_MULTIPROC_DIR when a launcher gave one (it owns it), else
    a new one for this process's children (web workers, a Celery pool), set in the environment
    and removed at the end."""
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        yield ensure_dir(Path(given))
        return
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=ensure_dir(metrics_root())))
    os.environ[MULTIPROC_ENV] = str(path)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
