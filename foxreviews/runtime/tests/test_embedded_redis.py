import pytest
import redis

from foxreviews.runtime.redis import EmbeddedRedis


@pytest.mark.slow
def test_embedded_redis_starts_once_remembers_its_port_and_stops(tmp_path):
    server = EmbeddedRedis(tmp_path / "redis")
    url = server.ensure_running()
    try:
        assert server.ensure_running() == url  # idempotent: same server
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        client = redis.Redis.from_url(url)
        assert client.ping() is True
        client.set("k", "v")
        assert client.get("k") == b"v"
    finally:
        assert server.stop() is True
    assert server.running() is None
    assert server.stop() is False
    assert (tmp_path / "redis" / "port").read_text() == str(port)
