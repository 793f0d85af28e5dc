"""County office staff open the dashboard in a real (headless) chromium: every ECharts chart is
drawn, no script fails, and clicking a county's bar opens the open cases of that county."""
import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

pytest.importorskip("selenium", reason="selenium is not installed: pip install -e '.[test]'")

from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from tests.complaints.conftest import at, make_case, make_clue  # noqa: E402,F401  (fixtures)
from tests.conftest import HOME  # noqa: E402

WAIT = 30  # seconds
CHARTS = ("by_channel", "by_status", "closure", "counties", "systems", "industries")
# Collects uncaught errors from the first script of every page on.
CATCH_ERRORS = """
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push(String(e.message || e)); });
window.addEventListener("unhandledrejection", function (e) { window.__errors.push(String(e.reason)); });
"""


def log_in(browser, live_server, user):
    """The session of a test client logged in as `user`, as the browser's cookie."""
    client = Client()
    client.force_login(user)
    browser.get(f"{live_server.url}/healthz/")
    browser.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "path": "/"})


def test_dashboard_draws_its_charts(regions, live_server, browser, inspector, make_clue, make_case, make_project):
    for day, channel in (("2026-01-05", "hotline_12333"), ("2026-01-07", "online"), ("2026-03-02", "qr_code")):
        make_clue(received_at=at(day), channel=channel)
    case = make_case(occurred_on=dt.date(2025, 10, 1), workers_owed=40, amount_owed=Decimal("500000.00"))
    make_project(industry="housing")
    make_project(industry="transport")

    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CATCH_ERRORS})
    log_in(browser, live_server, inspector)
    browser.get(f"{live_server.url}/reports/dashboard/?date_from=2026-01-01&date_to=2026-06-30")
    wait = WebDriverWait(browser, WAIT)
    wait.until(EC.presence_of_element_located((By.ID, "dashboard-tiles")))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-hans"
    assert browser.find_element(By.CSS_SELECTOR, '[data-figure="clues_received"]').text == "3"

    drawn = """
        var names = arguments[0];
        return !!window.echarts && !!window.wcDashboard && names.every(function (name) {
            var element = document.querySelector('[data-chart="' + name + '"]');
            return element && window.echarts.getInstanceByDom(element) && element.querySelector("canvas, svg")
                && element.getAttribute("data-rendered") === "true";
        });"""
    wait.until(lambda driver: driver.execute_script(drawn, list(CHARTS)))
    series = browser.execute_script(
        "var c = window.wcDashboard.charts; return [c.by_channel.getOption().series.length, "
        "c.counties.getOption().series[0].data.length, c.systems.getOption().yAxis[0].data.length];")
    assert series == [3, 1, 5]
    assert browser.execute_script("return window.__errors") == []
    # The amount axis reads short in the page's language (the full figure ran past the chart's edge).
    assert browser.execute_script(
        "var f = window.wcDashboard.charts.counties.getOption().xAxis[0].axisLabel.formatter;"
        "return [f(4000000), f(500000), f(0)];") == ["400万", "50万", "0"]

    # A click on the county's bar (drawn: its animation is over) opens its open cases.
    chart = browser.find_element(By.ID, "chart-counties")
    browser.execute_script("arguments[0].scrollIntoView({behavior: 'instant', block: 'center'});", chart)
    x, y = browser.execute_script(
        "var chart = window.wcDashboard.charts.counties;"
        "return chart.convertToPixel({seriesIndex: 0}, [chart.getOption().series[0].data[0] / 2, 0]);")
    size = chart.size
    ActionChains(browser).move_to_element_with_offset(chart, int(x - size["width"] / 2), int(y - size["height"] / 2)).click().perform()
    wait.until(EC.url_contains("/clues/cases/"))
    assert f"region_code={HOME}" in browser.current_url and "status=open" in browser.current_url
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f'a[href="{case.get_absolute_url()}"]')))


def test_rates_table_and_bars_share_their_colours(regions, live_server, browser, inspector, make_project):
    """The "8个100%" page: a rate's text in the table and its bar in the chart have the colour of its
    level (the table's own classes lost to Bootstrap's table-cell colour without !important)."""
    make_project(injury_insurance=True)
    make_project(injury_insurance=False)
    log_in(browser, live_server, inspector)
    browser.get(f"{live_server.url}/projects/rates/")
    wait = WebDriverWait(browser, WAIT)
    wait.until(lambda driver: driver.execute_script(
        "var e = document.getElementById('rates-chart'); return !!(window.echarts && e && window.echarts.getInstanceByDom(e));"))
    colours = browser.execute_script("""
        var cell = document.querySelector('#rates-table tr[data-key="injury_insurance"] td[data-level]');
        var chart = window.echarts.getInstanceByDom(document.getElementById('rates-chart'));
        var keys = Array.from(document.querySelectorAll('#rates-table tr[data-key]')).map(function (r) { return r.dataset.key; });
        var i = keys.indexOf('injury_insurance');
        return [cell.dataset.level, getComputedStyle(cell).color, chart.getOption().series[0].itemStyle.color({dataIndex: i})];""")
    assert colours == ["short", "rgb(178, 34, 34)", "#b22222"]


def test_a_list_can_hide_its_filter_panel(regions, live_server, browser, inspector, make_clue):
    """The clue list's filter panel hides with its button and the table takes the row's width; the
    choice holds on the next page of any list, and the button shows the panel again."""
    make_clue()
    size = browser.get_window_size()
    browser.set_window_size(1366, 900)  # a laptop's screen: the clue table is wider than its column
    log_in(browser, live_server, inspector)
    try:
        _hide_and_show_filters(browser, live_server)
    finally:  # the browser is shared: leave it as the next test expects it
        browser.execute_script("window.localStorage.removeItem('wc-filters-hidden');")
        browser.set_window_size(size["width"], size["height"])


def _hide_and_show_filters(browser, live_server):
    wait = WebDriverWait(browser, WAIT)
    browser.get(f"{live_server.url}/clues/")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-wc-toggle-filters]")))
    panel = browser.find_element(By.ID, "wc-list-filters")
    main = browser.find_element(By.CSS_SELECTOR, ".wc-list-main")
    assert panel.is_displayed()
    narrow = main.size["width"]

    browser.find_element(By.CSS_SELECTOR, "[data-wc-toggle-filters]").click()
    wait.until(lambda driver: not driver.find_element(By.ID, "wc-list-filters").is_displayed())
    assert browser.find_element(By.CSS_SELECTOR, ".wc-list-main").size["width"] > narrow + 200
    assert browser.find_element(By.CSS_SELECTOR, "[data-wc-toggle-filters]").get_attribute("aria-expanded") == "false"

    browser.get(f"{live_server.url}/projects/")  # another list: still hidden
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-wc-toggle-filters]")))
    wait.until(lambda driver: driver.find_element(By.CSS_SELECTOR, "[data-wc-toggle-filters]").get_attribute("aria-expanded") == "false")
    assert not browser.find_element(By.ID, "wc-list-filters").is_displayed()
    browser.find_element(By.CSS_SELECTOR, "[data-wc-toggle-filters]").click()
    wait.until(lambda driver: driver.find_element(By.ID, "wc-list-filters").is_displayed())
