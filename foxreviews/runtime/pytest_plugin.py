"""pytest plugin: the test session owns the embedded servers it needs.

With DATABASE_URL / REDIS_URL unset, the embedded servers of var/ are used: started before
pytest-django reads the settings if they are not running, and then stopped when the session
ends; a server found running is left running.
"""

import contextlib
import os
import secrets

import pytest

from foxreviews.core.paths import ensure_dir, var_dir

from .bootstrap import embedded_services

_owned = contextlib.ExitStack()


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Around every other implementation, pytest-django's setup of Django included."""
    # this run's name, in its Redis keys (config/settings/test.py): runs sharing a server
    # never delete each other's keys
    os.environ["FOXREVIEWS_TEST_RUN"] = f"{os.getpid()}-{secrets.token_hex(4)}"
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        _owned.enter_context(embedded_services())
        ensure_dir(var_dir() / "static")  # WhiteNoise's folder (collectstatic fills it in prod)
    return (yield)


def pytest_unconfigure(config) -> None:
    _owned.close()
