from config.settings.base import database, redis_db


def test_redis_db_swaps_the_logical_database():
    assert redis_db("redis://127.0.0.1:6379/0", 3) == "redis://127.0.0.1:6379/3"
    assert redis_db("redis://127.0.0.1:6379", 2) == "redis://127.0.0.1:6379/2"
    assert redis_db("redis://:pw@cache:6380/7", 1) == "redis://:pw@cache:6380/1"


def test_statements_are_prepared_only_when_asked_and_never_behind_pgbouncer(monkeypatch):
    url = "postgresql://app@db:5432/foxreviews"
    assert database(url)["OPTIONS"]["prepare_threshold"] == 2**31 - 1  # never by count
    monkeypatch.setenv("DATABASE_PGBOUNCER", "true")
    pooled = database(url)
    assert "prepare_threshold" not in pooled["OPTIONS"]  # Django's default: None, never
    assert pooled["DISABLE_SERVER_SIDE_CURSORS"] is True
