"""Fixtures of the imports' tests."""

import pytest

from foxreviews.imports.tests.uploading import client_for


@pytest.fixture
def pro():
    """A pro's API client (signed in)."""
    return client_for("pro")
