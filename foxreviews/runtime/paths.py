"""Where the platform keeps its local state: the ignored `var/` folder of the project."""

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def var_dir() -> Path:
    """`var/` holds the embedded servers' data, logs, pid files and uploads (FOXREVIEWS_VAR_DIR)."""
    path = Path(os.environ.get("FOXREVIEWS_VAR_DIR") or PROJECT_DIR / "var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = var_dir() / "log"
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_dir() -> Path:
    path = var_dir() / "run"
    path.mkdir(parents=True, exist_ok=True)
    return path
