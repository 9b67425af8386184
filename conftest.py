"""Shared pytest fixtures for the whole suite."""

import pytest
import redis
from django.core.management import call_command
from django.db import connection

REFERENCE_TABLES = (
    "location_region, location_departement, location_ville, location_codepostal, "
    "location_communealias, category_categorie, category_souscategorie, category_nafcode"
)


def _load_reference_data_if_missing() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT FROM location_ville)")
        if not cursor.fetchone()[0]:
            call_command("load_reference_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture(scope="session")
def _committed_reference_data(django_db_setup, django_db_blocker):
    """Loaded and committed once for the session, before any test's transaction begins."""
    with django_db_blocker.unblock():
        _load_reference_data_if_missing()


@pytest.fixture
def reference_data(_committed_reference_data, django_db_blocker):
    """The real reference data (régions, départements, communes, NAF codes). A transactional
    test empties every table when it ends; pytest-django runs those after the others, and one
    of them that needs the reference data loads it again when it is missing."""
    with django_db_blocker.unblock():
        _load_reference_data_if_missing()


@pytest.fixture
def own_geography(db):
    """For a test that builds its own small geography with the factories, or loads the reference
    data itself: the reference tables are emptied inside the test's transaction (TRUNCATE is
    transactional in PostgreSQL), and its rollback brings the real data back."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {REFERENCE_TABLES} CASCADE")


def _delete_keys(client: redis.Redis, pattern: str) -> None:
    keys = list(client.scan_iter(match=pattern, count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="session")
def _test_redis():
    """A client of the test cache's Redis database, of our own (the cache's client is private).
    When the session ends, this run's keys go from the cache's, channels' and broker's
    databases; never a whole database: other runs may share the Redis server."""
    from django.conf import settings

    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    yield client
    client.close()
    urls = [settings.CACHES["default"]["LOCATION"], settings.CELERY_BROKER_URL]
    urls += [host["address"] for host in settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]]
    for url in dict.fromkeys(url for url in urls if url.startswith(("redis", "unix"))):
        with redis.Redis.from_url(url) as other:
            _delete_keys(other, f"{settings.TEST_RUN_PREFIX}:*")


@pytest.fixture(autouse=True)
def _fresh_redis_keys(_test_redis):
    """Every test starts without this run's cache keys (config/settings/test.py gives the run a
    prefix of its own: cache, rate limits, INSEE quota)."""
    from django.conf import settings

    _delete_keys(_test_redis, f"{settings.TEST_RUN_PREFIX}:*")


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Every test starts with empty caches: this process's own copies (ville autocomplete,
    statistics, rate limit counts); the Redis ones are _fresh_redis_keys'."""
    from foxreviews.core.cache import process_caches

    process_caches.reset()


@pytest.fixture(autouse=True)
def _fresh_channel_layer(settings):
    """Every test gets its own channel layer: a layer that received in another test's event
    loop keeps a lock bound to that loop (channels-redis), and fails in this test's. Assigning
    the setting makes Channels drop the layers it built (its setting_changed receiver)."""
    settings.CHANNEL_LAYERS = dict(settings.CHANNEL_LAYERS)


@pytest.fixture
def walk_pages(client):
    """Every page of a cursor-paginated API list, following `link` ("next" or "previous");
    `between()` runs after each page (to insert rows while walking)."""

    def walk(url: str, params: dict | None = None, *, link="next", between=None) -> list[dict]:
        pages, response = [], client.get(url, params)
        while len(pages) < 200:  # a cursor that points to itself must fail, not hang
            assert response.status_code == 200, response.content
            body = response.json()
            pages.append(body)
            if between:
                between()
            if not body[link]:
                return pages
            response = client.get(body[link])
        raise AssertionError(f"still a {link} link after 200 pages")

    return walk
