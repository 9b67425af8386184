"""The INSEE API client against the local INSEE API: paging, errors, retries, the quota."""

import datetime as dt
import subprocess
import sys
import time

import pytest
from django.conf import settings

from foxreviews.imports.insee.client import InseeAuthError, InseeClient, InseeError
from foxreviews.imports.insee.limiter import QuotaLimiter
from foxreviews.imports.tests.insee_server import (
    UNREACHABLE,
    InseeApiServer,
    closed_port,
    generated_etablissements,
)

SINCE, UNTIL = dt.datetime(2026, 11, 24), dt.datetime(2026, 11, 25)
WINDOW = "dateDernierTraitementEtablissement:[2026-11-24T00:00:00 TO 2026-11-25T00:00:00]"


def limiter(rate: str = "10000/minute", key: str = "test-key", margin: int = 0) -> QuotaLimiter:
    quota = QuotaLimiter(
        storage_url=settings.INSEE_RATE_LIMIT_URL, rate=rate, api_key=key, margin_seconds=margin
    )
    quota.clear()
    return quota


@pytest.fixture
def server():
    with InseeApiServer(quota=10_000) as running:
        running.add(generated_etablissements(2_500, since=SINCE, until=UNTIL))
        yield running


def client_for(server, **options) -> InseeClient:
    options.setdefault("limiter", limiter())
    options.setdefault("backoff", 0.01)
    return InseeClient(base_url=server.url, api_key="test-key", **options)


def test_each_page_gives_the_cursor_of_the_next(server):
    with client_for(server) as client:
        pages = [client.siret_page(q=WINDOW)]
        while len(pages) < 3:
            pages.append(client.siret_page(q=WINDOW, cursor=pages[-1].next_cursor))
        # INSEE's own end: the page after the last repeats its cursor, with nothing in it
        after = client.siret_page(q=WINDOW, cursor=pages[-1].next_cursor)
    sirets = [e["siret"] for page in pages for e in page.etablissements]
    assert [len(page.etablissements) for page in pages] == [1000, 1000, 500]
    assert [page.total for page in pages] == [2_500] * 3
    assert len(set(sirets)) == 2_500 and sirets == sorted(sirets)
    assert pages[0].cursor == "*" and pages[1].cursor == pages[0].next_cursor
    assert not any(page.last for page in pages)
    assert after.etablissements == [] and after.next_cursor == after.cursor and after.last
    assert server.statuses() == [200] * 4


def test_no_result_is_an_empty_page_not_an_error(server):
    with client_for(server) as client:
        page = client.siret_page(
            q="dateDernierTraitementEtablissement:[2001-01-01T00:00:00 TO 2001-01-02T00:00:00]"
        )
    assert (page.etablissements, page.total, page.last) == ([], 0, True)
    assert server.statuses() == [404]


def test_429_waits_for_the_retry_after_inseee_gives(server):
    waits = []
    server.fail_next(429, retry_after=7)
    with client_for(server, sleep=waits.append) as client:
        page = client.siret_page(q=WINDOW)
    assert len(page.etablissements) == 1000
    assert waits == [7.0]
    assert server.statuses() == [429, 200]


def test_503_then_success_backs_off_exponentially(server):
    waits = []
    server.fail_next(503, times=3)
    with client_for(server, sleep=waits.append, backoff=1.0) as client:
        page = client.siret_page(q=WINDOW)
    assert len(page.etablissements) == 1000
    assert server.statuses() == [503, 503, 503, 200]
    # 1, 2, 4 seconds, each plus up to 1 s of jitter
    assert [int(w) for w in waits] in ([1, 2, 4], [1, 2, 5], [1, 3, 4], [1, 3, 5], [2, 2, 4],
                                       [2, 2, 5], [2, 3, 4], [2, 3, 5])  # fmt: skip
    assert all(low <= w <= low + 1 for w, low in zip(waits, [1, 2, 4], strict=True))


def test_a_silent_server_is_retried_after_the_timeout(server):
    server.fail_next(0)
    with client_for(server, timeout=0.5) as client:
        page = client.siret_page(q=WINDOW)
    assert len(page.etablissements) == 1000
    assert server.statuses() == [0, 200]


def test_an_unavailable_api_stops_after_its_attempts_with_one_line(server):
    server.fail_next(503, times=10)
    with client_for(server, attempts=3) as client, pytest.raises(InseeError) as caught:
        client.siret_page(q=WINDOW)
    assert server.statuses() == [503, 503, 503]
    assert caught.value.message == (
        "INSEE's API did not answer after 3 attempts (HTTP 503); the sync resumes from where "
        "it stopped."
    )


def test_a_bad_key_stops_at_once(server):
    with (
        InseeClient(base_url=server.url, api_key="wrong", limiter=limiter(key="wrong")) as client,
        pytest.raises(InseeAuthError) as caught,
    ):
        client.siret_page(q=WINDOW)
    assert server.statuses() == [401]  # not retried
    assert "INSEE refused the API key (HTTP 401)" in caught.value.message


def test_no_key_is_refused_before_any_request():
    with pytest.raises(InseeAuthError, match="INSEE_API_KEY is not set"):
        InseeClient(base_url="http://127.0.0.1:9", api_key="", limiter=limiter())


@pytest.mark.slow  # waits out real one-second quotas
def test_without_our_limiter_insee_429s_are_honoured_and_with_it_there_are_none():
    with InseeApiServer(quota=4, window=1.0) as server:
        server.add(generated_etablissements(60, since=SINCE, until=UNTIL))
        with client_for(server) as client:  # a limiter far above the server's quota
            page = client.siret_page(q=WINDOW)
            for _ in range(7):
                client.siret_page(q=WINDOW, nombre=10)
        assert len(page.etablissements) == 60
        assert 429 in server.statuses()  # the server's quota was hit, and waited out
        assert server.statuses().count(200) == 8
    with InseeApiServer(quota=4, window=1.0) as server:
        # the quota with a margin added to its window, as INSEE_API_RATE_MARGIN does: without
        # one, a loaded machine's jitter put a request on the server's window edge (a 429)
        with client_for(server, limiter=limiter("4/second", margin=1)) as client:
            started = time.monotonic()
            for _ in range(9):
                client.siret_page(q=WINDOW, nombre=10)
        assert server.statuses() == [404] * 9  # no 429: our limiter kept under the quota
        assert time.monotonic() - started >= 4.0  # 9 requests, 4 per 2 s: 2 full windows


LIMITED_PROCESS = """
import sys
import django
django.setup()
from foxreviews.imports.insee.client import InseeClient
from foxreviews.imports.insee.limiter import QuotaLimiter
url, storage, rate = sys.argv[1:4]
quota = QuotaLimiter(storage_url=storage, rate=rate, api_key="test-key", margin_seconds=1)
with InseeClient(base_url=url, api_key="test-key", limiter=quota, attempts=1) as client:
    for _ in range(5):
        client.siret_page(q="dateDernierTraitementEtablissement:[2001-01-01 TO 2001-01-02]")
"""


def _four_processes(server, rate: str) -> list[subprocess.CompletedProcess]:
    limiter(rate=rate)  # cleared
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                LIMITED_PROCESS,
                server.url,
                settings.INSEE_RATE_LIMIT_URL,
                rate,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    return [(p, *p.communicate(timeout=60)) for p in processes]


@pytest.mark.slow
def test_four_processes_share_one_quota_and_get_no_429():
    with InseeApiServer(quota=8, window=2.0) as server:
        finished = _four_processes(server, "8 per 2 seconds")
        for process, _, errors in finished:
            assert process.returncode == 0, errors[-1000:]
        assert server.statuses() == [404] * 20  # 20 requests, none refused by the quota
        times = sorted(t for t, _, _ in server.log)
        assert times[-1] - times[0] >= 2 * 3 - 0.5  # 8 per 3 s (2 s + the margin): 3 windows
    with InseeApiServer(quota=8, window=2.0) as server:  # each process on its own: 429s
        finished = _four_processes(server, "1000 per 1 second")
        assert 429 in server.statuses()
        assert any(p.returncode != 0 and "429 quota exceeded" in err for p, _, err in finished)


@pytest.mark.parametrize(("base_url", "reason"), UNREACHABLE)
def test_no_network_stops_at_once_with_one_line(base_url, reason):
    base_url = base_url.format(port=closed_port())
    waits = []
    with (
        InseeClient(
            base_url=base_url, api_key="test-key", limiter=limiter(), sleep=waits.append
        ) as client,
        pytest.raises(InseeError) as caught,
    ):
        client.siret_page(q=WINDOW)
    assert waits == []  # not retried: nobody listens there, waiting changes nothing
    assert caught.value.message.startswith(f"INSEE's API is out of reach at {base_url}/: {reason}")
    assert caught.value.message.endswith("; check INSEE_API_URL and this machine's network.")
    assert "\n" not in caught.value.message
