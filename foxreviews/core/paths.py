"""Where the platform keeps its local state: FOXREVIEWS_VAR_DIR, by default `var/` in the
working directory (never inside the installed package). Reading these paths creates nothing;
whoever writes there creates the folder it needs (`ensure_dir`)."""

import os
from pathlib import Path


def var_dir() -> Path:
    """The embedded servers' data, logs, pid files, secrets and import reports."""
    return Path(os.environ.get("FOXREVIEWS_VAR_DIR") or Path.cwd() / "var").resolve()


def log_dir() -> Path:
    return var_dir() / "log"


def run_dir() -> Path:
    return var_dir() / "run"


def ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


# a backup's manifest (foxreviews/backups), written last: /health/ reads the newest one's age
BACKUP_MANIFEST_SUFFIX = ".manifest.json"
