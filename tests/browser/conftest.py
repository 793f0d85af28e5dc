"""A real browser for the tests in this folder: Debian's chromium driven by its chromedriver,
headless, with a fresh profile and nothing running in the background.

Without /usr/bin/chromedriver (and /usr/bin/chromium) these tests are skipped, so `make test`
passes on a machine without them; .ci/run installs both (apt-get install chromium chromium-driver)
and fails if the browser tests were skipped there.

The `page` fixture is the same chromium driven by Playwright instead (test_flows_playwright.py):
no chromedriver needed, and `playwright install` is never run (no browser is downloaded). Each
step's screenshot goes to $BROWSER_ARTIFACTS/<test>/ (default: the test's tmp dir)."""
import os

import pytest

from tests import migration_data
from tests.projects.conftest import make_project  # noqa: F401  (a fixture)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
MISSING = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
PLAYWRIGHT_FIXTURES = {"page", "phone_page", "playwright_browser"}
SKIP_REASON = f"no {' and no '.join(MISSING)}: install Debian's chromium and chromium-driver to run the browser tests"


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)
            # Playwright drives chromium itself: its tests need the browser only.
            playwright = PLAYWRIGHT_FIXTURES & set(getattr(item, "fixturenames", ()))
            if (CHROMIUM in MISSING) if playwright else MISSING:
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters (per IP: every request here comes from 127.0.0.1) start from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def regions(transactional_db):
    """Gansu's regions and the calendar, as migrations load them: an earlier transactional test may
    have emptied the tables."""
    migration_data.load_gansu_regions()


@pytest.fixture
def browser(tmp_path, monkeypatch):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    # The driver is given: Selenium Manager must neither look one up nor call home.
    monkeypatch.setenv("SE_OFFLINE", "true")
    monkeypatch.setenv("SE_AVOID_STATS", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
        "--no-first-run", "--no-default-browser-check", "--metrics-recording-only", "--mute-audio",
        f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=412,915", "--lang=zh-CN",
    ):
        options.add_argument(argument)
    # The pages' language comes from Accept-Language: a worker's phone in Chinese.
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    service = Service(executable_path=CHROMEDRIVER, log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


# --- Playwright ------------------------------------------------------------------------------------

PLAYWRIGHT_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


class Artifacts:
    """Numbered screenshots of one test's steps: <dir>/<nn>-<step>.png."""

    def __init__(self, directory):
        self.directory = directory
        self.paths = []

    def shot(self, page, step):
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{len(self.paths) + 1:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        self.paths.append(path)
        return path


@pytest.fixture
def artifacts(request, tmp_path):
    import pathlib
    import re

    root = os.environ.get("BROWSER_ARTIFACTS")
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    return Artifacts(pathlib.Path(root) / name if root else tmp_path / "screenshots")


@pytest.fixture(scope="module")
def playwright_browser():
    """Debian's chromium under Playwright, one per test module (each test gets a fresh context).
    Playwright's sync API keeps an asyncio loop running in this thread, which makes Django refuse
    ORM calls from the tests ("async context"): they are plain synchronous code, so that check is
    lifted while the browser runs."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no {CHROMIUM}: install Debian's chromium to run the Playwright tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'")

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        patch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        manager = sync_api.sync_playwright().start()
        try:
            browser = manager.chromium.launch(executable_path=CHROMIUM, headless=True, args=PLAYWRIGHT_ARGS)
            try:
                yield browser
            finally:
                browser.close()
        finally:
            manager.stop()


class PageErrors(list):
    """Console errors and uncaught exceptions of the pages a context opened."""


def _new_page(browser, **options):
    context = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh"}, **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.errors = PageErrors()
    page.on("console", lambda message: message.type == "error" and page.errors.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: page.errors.append(f"uncaught: {error}"))
    return page


@pytest.fixture
def page(playwright_browser):
    """A desktop-sized page (1366×900) in Chinese; `page.errors` collects console errors."""
    page = _new_page(playwright_browser, **DESKTOP)
    try:
        yield page
    finally:
        page.context.close()


@pytest.fixture
def phone_page(playwright_browser):
    """A phone (390×844, touch, mobile viewport) in Chinese."""
    page = _new_page(playwright_browser, **PHONE)
    try:
        yield page
    finally:
        page.context.close()
