"""A worker scans a site's QR code, reports unpaid wages on their phone, and tracks the report,
in a real (headless) chromium against the live test server."""
import re

import pytest
from django.utils import translation

pytest.importorskip("selenium", reason="selenium is not installed: pip install -e '.[test]'")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from complaints.choices import Channel, ClueStatus  # noqa: E402
from complaints.models import Clue  # noqa: E402
from tests.conftest import HOME  # noqa: E402

WAIT = 30  # seconds


def fill(browser, field_id, value):
    element = browser.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(value)
    return element


def click(browser, element_id):
    """Click like a finger: on the button brought to the middle of the screen first. Bootstrap
    scrolls smoothly; a click while the page still moves would hit whatever passes under it."""
    element = browser.find_element(By.ID, element_id)
    browser.execute_script("arguments[0].scrollIntoView({behavior: 'instant', block: 'center'});", element)
    WebDriverWait(browser, WAIT).until(EC.element_to_be_clickable((By.ID, element_id)))
    element.click()


def test_report_by_qr_code_then_track(regions, live_server, browser, make_project):
    project = make_project(HOME, name="秦州区幸福家园5号楼")
    wait = WebDriverWait(browser, WAIT)

    # The QR code's address: the form with the project filled in.
    browser.get(f"{live_server.url}/public/report/?project={project.code}")
    wait.until(EC.presence_of_element_located((By.ID, "report-submit")))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-hans"
    assert project.name in browser.find_element(By.ID, "report-project").text
    assert not browser.find_elements(By.ID, "id_region")  # the project fixes the county
    # The honeypot is out of sight.
    assert browser.execute_script("return document.getElementById('id_website').getBoundingClientRect().right") <= 0

    fill(browser, "id_complainant_name", "赵铁柱")
    fill(browser, "id_complainant_phone", "13609381234")
    fill(browser, "id_employer_name", "天水某某劳务有限公司")
    fill(browser, "id_workers_involved", "6")
    fill(browser, "id_amount_claimed", "48000")
    description = "2026年9月起在幸福家园5号楼做钢筋工，六个人的工资都没发。"
    fill(browser, "id_description", description)
    assert browser.find_element(By.ID, "id_description_count").text == str(len(description))
    click(browser, "report-submit")

    number = wait.until(EC.visibility_of_element_located((By.ID, "clue-number"))).text.strip()
    assert re.fullmatch(rf"{HOME}-\d{{4}}-\d{{6}}", number), number
    clue = Clue.objects.get(number=number)
    assert clue.channel == Channel.QR_CODE and clue.project_id == project.pk
    assert clue.complainant_phone == "13609381234" and clue.workers_involved == 6

    # Later: track it with the number and the phone.
    browser.get(f"{live_server.url}/public/track/")
    wait.until(EC.presence_of_element_located((By.ID, "track-submit")))
    fill(browser, "id_number", number)
    fill(browser, "id_phone", "136 0938 1234")
    click(browser, "track-submit")

    result = wait.until(EC.visibility_of_element_located((By.ID, "track-result")))
    assert result.get_attribute("data-status") == ClueStatus.RECEIVED
    with translation.override("zh-hans"):
        label = str(ClueStatus.RECEIVED.label)
    assert browser.find_element(By.ID, "clue-status").text == label
    assert number in result.text
