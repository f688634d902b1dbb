"""The journeys in a real browser: repairflow served as production serves it, driven by Debian's
Chromium through Playwright, every page judged by axe-core and photographed for the README.

The application lives on the journeys' day (`DAY`), whatever day the tests run: gunicorn (two
processes of four threads), a Celery worker with beat and the seeding all run under
`tests/browser/clocked.py`, on a database of their own (tests/sync/worker_harness.py: a SQLite
file in a temporary var directory, or a PostgreSQL database made and dropped on DATABASE_URL's
server) seeded with the demo (`seed_demo`). They start once for the package and stop after its
last journey. Cookies carry their lifetime as Max-Age, which Chromium counts from its own clock,
so a session lasts as long as it would on that day.

Nothing here reaches the application but through the browser, as a person would; a journey may
read what a person reads elsewhere: the SMS log (`sms()`), a downloaded file.

Where no Chromium is found, the journeys fail saying how to install it: they never skip."""

import os
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.sync.worker_harness import (
    BASE_DIR,
    PYTHON,
    WORKER_READY,
    Background,
    worker_command,
    worker_database,
)

pytestmark = pytest.mark.browser

# Monday 21 December 2026, 10:00 in Beijing: a working day whose open clocks run into 2027, a
# year whose schedule the office has not loaded yet.
DAY = "2026-12-21T10:00:00+08:00"
CHROMIUM = os.environ.get("REPAIRFLOW_CHROMIUM", "/usr/bin/chromium")
INSTALL_HINT = (
    f"No Chromium at {CHROMIUM}: the browser journeys (tests/browser) need one and never skip. "
    "Install Debian's: `sudo apt-get install chromium` (what .ci/run does), or point "
    "REPAIRFLOW_CHROMIUM at another Chromium."
)
SCREENSHOTS = BASE_DIR / "docs" / "screenshots"
# axe-core's impacts that fail a page (docs/accessibility.md): minor and moderate ones are listed.
FAILING_IMPACTS = ("serious", "critical")


@dataclass
class Site:
    url: str
    var_dir: Path

    def sms(self) -> str:
        """Every text message sent so far (the SMS backend's log, the phone a person reads)."""
        log = self.var_dir / "sms.log"
        return log.read_text(encoding="utf-8") if log.exists() else ""

    def sms_code(self, phone: str, timeout: float = 20) -> str:
        """The latest 6-digit code sent to `phone`, waiting for the worker to send it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            codes = [re.search(r"\b(\d{6})\b", line) for line in self.sms().splitlines() if phone in line]
            codes = [code.group(1) for code in codes if code]
            if codes:
                return codes[-1]
            time.sleep(0.2)
        raise AssertionError(f"no code was sent to {phone}:\n{self.sms()[-2000:]}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _clocked(module: str, *arguments: str) -> list[str]:
    return [PYTHON, "-m", "tests.browser.clocked", DAY, module, *arguments]


def _wait_serving(url: str, server: Background, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.process.returncode}):\n{server.tail()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:  # noqa: S310 - 127.0.0.1
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{server.tail()}")


@pytest.fixture(scope="package")
def chromium_path() -> str:
    if not Path(CHROMIUM).is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(INSTALL_HINT, pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="package")
def site(chromium_path) -> Iterator[Site]:
    """repairflow on 127.0.0.1 on the journeys' day: gunicorn, a Celery worker with beat, the demo."""
    settings = {"PUBLIC_THROTTLE_RATE": "600/minute", "REPAIRFLOW_SYNC_RELAY_SECONDS": "0.5"}
    with worker_database(settings) as env:
        var_dir = env["REPAIRFLOW_VAR_DIR"]
        subprocess.run(_clocked("django", "seed_demo", "--verbosity", "0"), env=env, cwd=BASE_DIR, check=True)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        worker_arguments = worker_command("browser", concurrency=2, beat=True, var_dir=var_dir)
        worker = Background(env, "browser-worker", _clocked("celery", *worker_arguments), ready_when=WORKER_READY)
        # sized as production sizes it: through the environment gunicorn.conf.py reads
        served = {**env, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "2", "WEB_THREADS": "4"}
        server = Background(served, "browser-web", _clocked("gunicorn", "-c", "gunicorn.conf.py", "repairflow.wsgi"))
        try:
            worker.wait_ready()
            _wait_serving(url, server)
            yield Site(url=url, var_dir=Path(var_dir))
        finally:
            server.stop()
            worker.stop()


@pytest.fixture(scope="module")
def browser(chromium_path) -> Iterator[Browser]:
    """Chromium, headless. Started and stopped with each module: Playwright's event loop must not
    outlive the journeys, or Django would refuse the later tests' queries as made from async code."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_person(browser, site):
    """`new_person(width=1280)`: a browser window of its own (its cookies, its downloads), in
    Chinese as the site's default, as someone sitting at their own computer or phone."""
    contexts: list[BrowserContext] = []

    def open_window(*, width: int = 1280, height: int = 900, locale: str = "zh-CN") -> Page:
        context = browser.new_context(
            base_url=site.url, viewport={"width": width, "height": height}, locale=locale, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_window
    for context in contexts:
        context.close()


def check_page(page: Page, name: str) -> None:
    """The page as it is now passes axe-core (no serious or critical violation), and is
    photographed to docs/screenshots/<name>.png for the README."""
    results = Axe().run(page)
    failing = [violation for violation in results.response["violations"] if violation["impact"] in FAILING_IMPACTS]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    assert not failing, f"{page.url} fails axe-core:\n" + "\n".join(
        f"- {violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in failing
    )


def sign_in(page: Page, username: str, password: str | None = None) -> None:
    """Sign in through the login page, as the demo accounts do (password = user name)."""
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("用户名|Username")).fill(username)
    page.get_by_label(re.compile("密码|Password")).fill(password or username)
    page.get_by_role("button", name=re.compile("登录|Sign in|Log in")).click()
    page.wait_for_load_state()
