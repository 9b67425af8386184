"""The live dashboard in a real browser: Debian's headless Chromium, driven by Selenium, against
the platform's own web process (uvicorn: HTTP and websockets) on this test's database. A staff
member signs in and opens the dashboard; an upload through the API moves its progress bar and
the entreprise counter, then a new avis appears in the feed, all without a reload.

`make browser` installs Chromium and its driver (apt-get); without them this test is skipped."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rest_framework.authtoken.models import Token
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from foxreviews.core.tests.webserver import database_url
from foxreviews.imports.tests.workers import numbered_csv
from foxreviews.orders.tests.factories import owned_proloc
from foxreviews.reviews.tests.conftest import avis_payload, verified_user
from foxreviews.runtime.ports import pick_port, web_answers
from foxreviews.users.models import User

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
ROWS = 1500  # 8 chunks of 200 (browser_settings): a bar with a start, a middle and an end
# every value each import's bar shows, in order, as the page draws it
WATCH_BARS = """
window.fxBars = {};
window.fxLoadedOnce = true;  // gone if the page reloads
const record = () => {
  for (const bar of document.querySelectorAll('#fx-imports progress')) {
    const id = bar.closest('tr').dataset.import;
    const value = bar.hasAttribute('value') ? bar.value : null;
    const seen = (window.fxBars[id] = window.fxBars[id] || []);
    if (seen[seen.length - 1] !== value) seen.push(value);
  }
};
new MutationObserver(record).observe(
  document.getElementById('fx-imports'), {subtree: true, childList: true, attributes: true});
record();
"""


@pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="Chromium ou chromedriver absent : `make browser` les installe "
    "(apt-get install chromium chromium-driver)",
)
def test_the_dashboard_updates_live_in_chromium(reference_data, tmp_path):
    User.objects.create_user(
        username="veilleuse", password="tableau-de-bord", is_staff=True, role=User.Role.ADMIN
    )
    pro = User.objects.create_user(username="pro", password="x", role=User.Role.PRO)
    pro_token = Token.objects.create(user=pro).key
    lea_token = Token.objects.create(user=verified_user("lea")).key
    proloc = owned_proloc()

    with web_process(tmp_path) as base, chromium(tmp_path) as browser:
        browser.get(f"{base}/admin/login/?next=/admin/dashboard/")
        browser.find_element(By.ID, "id_username").send_keys("veilleuse")
        browser.find_element(By.ID, "id_password").send_keys("tableau-de-bord")
        browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
        _until(browser, lambda b: b.find_elements(By.ID, "fx-dashboard"), "the dashboard")
        _until(
            browser,
            lambda b: _attr(b, "#fx-live-state", "data-state") == "open",
            "the live connection open",
        )
        browser.execute_script(WATCH_BARS)
        before = _number(browser, '[data-counter="entreprises"]')

        with httpx.Client(base_url=base, timeout=60) as api:
            upload = api.post(
                "/api/imports/",
                headers={"Authorization": f"Token {pro_token}"},
                files={"file": ("liste.csv", numbered_csv(ROWS), "text/csv")},
            )
            assert upload.status_code == 202, upload.text
            import_id = upload.json()["id"]
            _until(
                browser,
                lambda b: _number(b, '[data-counter="entreprises"]') >= before + ROWS,
                "the entreprises counter up by ROWS at least",
            )
            bar = f'#fx-imports tr[data-import="{import_id}"] progress'
            _until(browser, lambda b: _attr(b, bar, "value") == "100", "the import's bar at 100")
            bars = browser.execute_script("return window.fxBars")[str(import_id)]
            print(f"\nla barre de l'import n° {import_id} a montré : {bars}")
            assert bars[-1] == 100 and bars[0] is not None and bars[0] < 100, bars
            assert bars == sorted(bars), bars  # it only moves forward

            posted = api.post(
                f"/api/prolocalisations/{proloc.pk}/avis/",
                headers={"Authorization": f"Token {lea_token}"},
                json=avis_payload(note=2),
            )
            assert posted.status_code == 201, posted.text
            link = f'#fx-feed li[data-type="avis.en_attente"] a[href="/admin/reviews/avis/{posted.json()["id"]}/change/"]'  # noqa: E501
            _until(
                browser, lambda b: b.find_elements(By.CSS_SELECTOR, link), "the avis in the feed"
            )
            _until(
                browser,
                lambda b: _number(b, '[data-counter="avis_en_attente"]') == 1,
                "one avis to moderate",
            )
        assert browser.execute_script("return window.fxLoadedOnce") is True  # never reloaded

        screenshot = tmp_path / "dashboard.png"
        browser.save_screenshot(str(screenshot))
        print(f"\ncapture du tableau de bord : {screenshot}")
        assert screenshot.stat().st_size > 10_000


def _until(browser, condition, what: str) -> None:
    """Wait (20 s at most) for `condition`, failing with what the page showed; an element the
    page redrew between finding and reading it is looked for again."""
    try:
        WebDriverWait(
            browser, 20, poll_frequency=0.05, ignored_exceptions=[StaleElementReferenceException]
        ).until(condition)
    except TimeoutException:
        shown = browser.execute_script(
            "return {bars: window.fxBars, live: document.getElementById('fx-live-state')"
            "?.dataset.state, counters: [...document.querySelectorAll('[data-counter]')]"
            ".map(n => n.dataset.counter + '=' + n.textContent), events: document"
            ".getElementById('fx-dashboard')?.dataset.events}"
        )
        raise AssertionError(f"not seen: {what}; the page showed {shown}") from None


def _attr(browser, selector: str, name: str) -> str | None:
    found = browser.find_elements(By.CSS_SELECTOR, selector)
    return found[0].get_attribute(name) if found else None


def _number(browser, selector: str) -> int | None:
    found = browser.find_elements(By.CSS_SELECTOR, selector)
    digits = re.sub(r"\D", "", found[0].text) if found else ""
    return int(digits) if digits else None


@contextlib.contextmanager
def web_process(tmp_path: Path) -> Iterator[str]:
    """`python -m foxreviews.runtime.web` (uvicorn: HTTP and websockets) with the test settings
    of browser_settings and this test's database; stopped at the end."""
    port = pick_port(8767)
    env = {**os.environ, "DATABASE_URL": database_url(), "FOXREVIEWS_PROCESS": "web",
           "DJANGO_SETTINGS_MODULE": "foxreviews.dashboard.tests.browser_settings",
           "LOG_LEVEL": "WARNING"}  # fmt: skip
    with (tmp_path / "web.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "foxreviews.runtime.web", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        if not web_answers(base, seconds=60, alive=lambda: process.poll() is None):
            raise AssertionError(f"the web process did not answer: see {tmp_path / 'web.log'}")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def chromium(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    """Headless Chromium through the system's chromedriver (nothing downloaded)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--window-size=1400,2200", "--lang=fr-FR",
                     f"--user-data-dir={tmp_path / 'chromium-profile'}"):  # fmt: skip
        options.add_argument(argument)
    service = Service(executable_path=DRIVER, log_output=str(tmp_path / "chromedriver.log"))
    browser = webdriver.Chrome(options=options, service=service)
    try:
        yield browser
    finally:
        with contextlib.suppress(Exception):  # the page's console, to read after a failure
            logs = browser.get_log("browser")
            (tmp_path / "console.log").write_text("\n".join(str(entry) for entry in logs))
        browser.quit()
