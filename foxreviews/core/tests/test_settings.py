from config.settings.base import redis_db


def test_redis_db_swaps_the_logical_database():
    assert redis_db("redis://127.0.0.1:6379/0", 3) == "redis://127.0.0.1:6379/3"
    assert redis_db("redis://127.0.0.1:6379", 2) == "redis://127.0.0.1:6379/2"
    assert redis_db("redis://:pw@cache:6380/7", 1) == "redis://:pw@cache:6380/1"
