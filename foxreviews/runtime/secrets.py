"""A per-checkout secret key for local runs, kept in var/ so sessions survive restarts."""

import secrets

from .paths import var_dir


def local_secret_key() -> str:
    path = var_dir() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
