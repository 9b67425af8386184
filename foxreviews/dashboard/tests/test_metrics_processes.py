"""/metrics of a web process with two workers (prometheus-client's multiprocess mode): one scrape
sums what both served, each counting in its own files of PROMETHEUS_MULTIPROC_DIR."""

import re
import shutil
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from foxreviews.core.tests.webserver import web_process

from .metrics_scrape import parse, value

# a page served by Django that reads no database (/health/live/ is answered before Django)
PAGE = {"route": "/avis/charte/", "method": "GET"}
COUNT = "foxreviews_http_request_duration_seconds_count"


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status


def _pids(folder: Path) -> set[str]:
    return {m[1] for f in folder.iterdir() if (m := re.fullmatch(r"histogram_(\d+)\.db", f.name))}


def _count_of_one_process(folder: Path, pid: str, into: Path) -> float:
    """What the files of one process alone say (the same collector, on a folder of its own)."""
    into.mkdir()
    for name in (f"histogram_{pid}.db", f"counter_{pid}.db"):
        shutil.copy(folder / name, into / name)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(into))
    return value(parse(generate_latest(registry).decode()), COUNT, **PAGE)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_one_scrape_sums_the_requests_of_both_web_workers(tmp_path):
    folder = tmp_path / "metrics"  # given by the launcher, as `foxreviews up` does
    command = ["python", "-m", "foxreviews.runtime.web", "--port", "{port}", "--workers", "2"]
    with web_process(command, METRICS_ENABLED="true", PROMETHEUS_MULTIPROC_DIR=str(folder)) as port:
        base = f"http://127.0.0.1:{port}"
        sent = 0
        with ThreadPoolExecutor(16) as pool:  # many connections at once: both workers accept
            for _ in range(20):
                statuses = list(pool.map(_get, [f"{base}/avis/charte/"] * 64))
                assert statuses == [200] * 64
                sent += 64
                if len(_pids(folder)) == 2:
                    break
        pids = sorted(_pids(folder))
        assert len(pids) == 2, "one worker served every request"
        with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
            samples = parse(response.read().decode())
        assert value(samples, COUNT, **PAGE) == sent
        per_process = [_count_of_one_process(folder, pid, tmp_path / pid) for pid in pids]
        assert all(0 < count < sent for count in per_process), per_process
        assert sum(per_process) == sent
        assert value(samples, "foxreviews_http_responses_total", **PAGE, status="200") == sent


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_web_process_launched_alone_keeps_its_series_in_a_folder_of_its_own(tmp_path):
    """As in a container: no launcher named a folder; the web process makes one under the var
    folder for its workers and removes it when it stops."""
    with web_process(METRICS_ENABLED="true", FOXREVIEWS_VAR_DIR=str(tmp_path)) as port:
        assert _get(f"http://127.0.0.1:{port}/health/live/") == 200
        (folder,) = (tmp_path / "metrics").iterdir()
        assert folder.name.startswith("web-") and _pids(folder)
    assert list((tmp_path / "metrics").iterdir()) == []
