"""A real browser for the tests in this folder: Debian's chromium driven by its chromedriver,
headless, with a fresh profile and nothing running in the background.

Without /usr/bin/chromedriver (and /usr/bin/chromium) these tests are skipped, so `make test`
passes on a machine without them; .ci/run installs both (apt-get install chromium chromium-driver)
and fails if the browser tests were skipped there."""
import os

import pytest

from tests.projects.conftest import make_project  # noqa: F401  (a fixture)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
MISSING = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
SKIP_REASON = f"no {' and no '.join(MISSING)}: install Debian's chromium and chromium-driver to run the browser tests"


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)
            if MISSING:
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
    """Regions as migrations load them: an earlier transactional test may have emptied the table."""
    from wagecase.core.models import Region
    from wagecase.core.regions_data import load_regions

    if not Region.objects.filter(pk="620502").exists():
        load_regions(Region)


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
