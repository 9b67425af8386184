"""Shared pytest fixtures for the whole suite."""

import pytest
from django.core.management import call_command
from django.db import connection

REFERENCE_TABLES = (
    "location_region, location_departement, location_ville, location_codepostal, "
    "location_communealias, category_categorie, category_souscategorie, category_nafcode"
)


@pytest.fixture(scope="module")
def reference_data(django_db_setup, django_db_blocker):
    """The real reference data, loaded once for a module and removed after it."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {REFERENCE_TABLES}, imports_importlog CASCADE")


def pytest_collection_modifyitems(config, items):
    """Tests marked `first` run before the others and `last` after them (a websocket opened at
    the start is checked at the end, idle all along)."""
    first = [item for item in items if item.get_closest_marker("first")]
    last = [item for item in items if item.get_closest_marker("last")]
    middle = [item for item in items if item not in first and item not in last]
    items[:] = first + middle + last
