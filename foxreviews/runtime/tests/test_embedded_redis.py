import redis

from foxreviews.runtime.redis import EmbeddedRedis


def test_embedded_redis_starts_once_remembers_its_port_and_stops(tmp_path):
    server = EmbeddedRedis(tmp_path / "redis")
    url = server.ensure_running()
    try:
        assert server.ensure_running() == url  # idempotent: same server
        _, port = server.running_pid_and_port()
        client = redis.Redis.from_url(url)
        assert client.ping() is True
        client.set("k", "v")
        assert client.get("k") == b"v"
    finally:
        assert server.stop() is True
    assert server.running_pid_and_port() is None
    assert server.stop() is False
    assert (tmp_path / "redis" / "port").read_text() == str(port)
