"""The API's per-minute request counts and p95 latency, as the admin dashboard reads them."""

import pytest
import redis

from foxreviews.core import request_metrics
from foxreviews.core.request_metrics import (
    MinuteCounts,
    bucket_of,
    bucket_upper_ms,
    percentile_ms,
)
from foxreviews.runtime.ports import pick_port


def test_buckets_grow_by_ten_percent_and_stop_at_a_minute():
    assert bucket_of(0.2) == 0 and bucket_of(1) == 0
    assert bucket_of(1.05) == 1 and bucket_of(1.1) == 1 and bucket_of(1.11) == 2
    for ms in (3.7, 42.0, 250.0, 9_999.0):
        assert bucket_upper_ms(bucket_of(ms) - 1) < ms <= bucket_upper_ms(bucket_of(ms))
    assert bucket_of(3_600_000) == request_metrics.LAST_BUCKET
    assert 59_000 < bucket_upper_ms(request_metrics.LAST_BUCKET) < 66_000


def test_p95_is_the_upper_bound_of_the_bucket_of_the_95th_percentile():
    assert percentile_ms({}, 0.95) is None
    # 95 fast requests (bucket 10: ~2.6 ms) and 5 slow ones (bucket 50: ~117 ms)
    assert percentile_ms({10: 95, 50: 5}, 0.95) == round(1.1**10, 1)
    assert percentile_ms({10: 94, 50: 6}, 0.95) == round(1.1**50, 1)


@pytest.mark.django_db
def test_api_requests_are_counted_per_minute_and_others_are_not(client, monkeypatch):
    monkeypatch.setattr(request_metrics, "counts", MinuteCounts())
    for _ in range(3):
        assert client.get("/api/").status_code == 200
    assert client.get("/api/nowhere/").status_code == 404
    client.get("/health/")
    client.get("/avis/charte/")
    minutes = request_metrics.api_minutes(minutes=5)
    assert sum(m["requests"] for m in minutes) == 4  # a minute may have turned meanwhile
    last = [m for m in minutes if m["requests"]]
    assert all(m["p95_ms"] is not None and m["p95_ms"] > 0 for m in last)
    assert [m["p95_ms"] for m in minutes if not m["requests"]] == [None] * (5 - len(last))


def test_counts_wait_for_the_flush_then_go_in_one_pipeline(monkeypatch):
    counts = MinuteCounts()
    minute = 29_000_000  # a minute of its own in the test's Redis
    monkeypatch.setattr(request_metrics, "counts", counts)
    for ms in (1.0, 2.0, 2.0, 900.0):
        counts.record(at=minute * 60 + 5, milliseconds=ms)
    assert not counts.flush_due()  # under a second since it was made
    rows = request_metrics.api_minutes(minutes=2, now=minute * 60 + 30)  # flushes first
    assert rows == [
        {"minute": (minute - 1) * 60, "requests": 0, "p95_ms": None},
        {"minute": minute * 60, "requests": 4, "p95_ms": round(1.1 ** bucket_of(900.0), 1)},
    ]


@pytest.mark.django_db
def test_redis_out_of_reach_fails_no_request(client, monkeypatch, caplog, settings):
    monkeypatch.setattr(request_metrics, "counts", MinuteCounts())
    monkeypatch.setattr(request_metrics, "FLUSH_EVERY", 0)  # every request flushes
    dead = f"redis://127.0.0.1:{pick_port(6390)}/0"  # nothing listens there
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": dead}}
    request_metrics.redis_client.cache_clear()
    assert client.get("/api/").status_code == 200
    assert "API request metrics not recorded" in caplog.text
    with pytest.raises(redis.RedisError):
        request_metrics.api_minutes(minutes=1)  # the dashboard shows no traffic, see there
    request_metrics.redis_client.cache_clear()
