"""Whole flows in a real (headless) chromium driven by Playwright against the live test server, as
the people who use them do: an inspector logs in and takes a clue from intake to closed through
the buttons of its page; an inspection with a failed item issues a rectification order; the
dashboard draws its charts without a script error; a worker reports arrears on a phone.

Every step leaves a screenshot in $BROWSER_ARTIFACTS/<test>/ (kept by CI) or the test's tmp dir.
The pages are in Chinese (the browser asks for zh-CN); labels are compared with their translation."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from complaints.choices import Channel, ClueCategory, ClueStatus
from complaints.models import Clue
from inspections.choices import CheckResult, ChecklistItem, OrderStatus
from inspections.models import Inspection, RectificationOrder
from tests import migration_data
from tests.complaints.conftest import make_case, make_clue  # noqa: F401  (fixtures)
from tests.conftest import HOME
from wagecase.core.choices import Role

pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'")

from playwright.sync_api import expect  # noqa: E402

expect.set_options(timeout=15_000)  # a loaded CI machine draws charts slowly

PASSWORD = "pw-for-tests-only"  # tests/conftest.py make_user
CHARTS = ("by_channel", "by_status", "closure", "counties", "systems", "industries")


@pytest.fixture
def regions(transactional_db):
    """What migrations load, put back after an earlier transactional test emptied the tables: the
    regions of Gansu only (every record here lies in Gansu) and the working-day calendar."""
    migration_data.load_gansu_regions()


def zh(label):
    with translation.override("zh-hans"):
        return str(label)


def log_in(page, live_server, user):
    """Through the login page, as a person: username, password, the button."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login/)"))


def expect_clue_status(page, status):
    """The status badge in the clue page's title: its code and its words."""
    badge = page.locator("h1 [data-status]")
    expect(badge).to_have_attribute("data-status", status)
    expect(badge).to_have_text(zh(ClueStatus(status).label))


def run_action(page, slug, fill=None):
    """A workflow button of the clue's page: open its modal, fill its form, submit it."""
    page.click(f"button[data-action='{slug}']")
    modal = page.locator(f"#action-{slug}")
    expect(modal).to_be_visible()
    if fill:
        fill(modal)
    with page.expect_navigation():
        modal.locator("button[type=submit]").click()


def test_inspector_takes_a_clue_from_intake_to_closed(regions, live_server, page, artifacts, inspector):
    log_in(page, live_server, inspector)
    artifacts.shot(page, "logged-in")
    assert "/login/" not in page.url

    # The intake form: what the complainant says on the phone.
    page.goto(f"{live_server.url}/clues/add/")
    expect(page.locator("#clue-form")).to_be_visible()
    assert page.input_value("#id_region") == HOME  # the inspector's county, pre-selected
    page.select_option("#id_channel", Channel.HOTLINE_12333)
    page.fill("#id_complainant_name", "李建军")
    page.fill("#id_complainant_phone", "139 0938 5566")
    page.fill("#id_employer_name", "天水某某建筑劳务有限公司")
    page.fill("#id_workers_involved", "4")
    page.fill("#id_amount_claimed", "36000")
    page.fill("#id_description", "在秦州区某工地做木工，四个人三个月工资未发。")
    artifacts.shot(page, "intake-filled")
    with page.expect_navigation():
        page.click("#clue-form button[type=submit]")
    match = re.search(r"/clues/(\d{6}-\d{4}-\d{6})/$", page.url)
    assert match, page.url
    number = match.group(1)
    expect(page.locator(".alert-success.alert-dismissible")).to_contain_text(number)
    expect_clue_status(page, ClueStatus.RECEIVED)
    artifacts.shot(page, "received")

    run_action(page, "accept", lambda modal: modal.locator("#id_accept_comment").fill("属于欠薪，予以受理。"))
    expect_clue_status(page, ClueStatus.ACCEPTED)
    artifacts.shot(page, "accepted")

    def classify(modal):
        modal.locator(f"input[name=category][value={ClueCategory.WAGE_ARREARS}]").check()

    run_action(page, "classify", classify)
    expect_clue_status(page, ClueStatus.IN_PROGRESS)
    expect(page.locator("h1")).to_contain_text(zh(ClueCategory.WAGE_ARREARS.label))
    artifacts.shot(page, "classified")

    def resolve(modal):
        modal.locator("#id_resolve_workers_paid").fill("4")
        modal.locator("#id_resolve_amount_recovered").fill("36000")
        modal.locator("#id_resolve_result").fill("经约谈，劳务公司已足额支付四名工人工资。")

    run_action(page, "resolve", resolve)
    expect_clue_status(page, ClueStatus.RESOLVED)
    artifacts.shot(page, "resolved")

    run_action(page, "close", lambda modal: modal.locator("#id_close_reply").fill("您反映的欠薪已足额支付，现予结案。"))
    expect_clue_status(page, ClueStatus.CLOSED)
    expect(page.locator("button[data-action='close']")).to_have_count(0)
    artifacts.shot(page, "closed")

    clue = Clue.objects.get(number=number)
    assert (clue.status, clue.category, clue.workers_paid, clue.amount_recovered) == (
        ClueStatus.CLOSED, ClueCategory.WAGE_ARREARS, 4, Decimal("36000.00"))
    assert clue.complainant_phone == "13909385566" and clue.owner_id == inspector.pk
    assert page.errors == []


def test_failed_item_issues_a_rectification_order(regions, live_server, page, artifacts, inspector, make_user,
                                                  make_project):
    partner = make_user(Role.INSPECTOR, HOME, username="inspector_partner", full_name="张伟")
    project = make_project(HOME, name="秦州区滨河花园3号楼")
    log_in(page, live_server, inspector)

    page.goto(f"{live_server.url}/inspections/add/?project={project.code}")
    expect(page.locator("form.wc-inspection-form")).to_be_visible()
    assert page.input_value("#id_project") == project.code
    page.check(f"input[name=inspectors][value='{partner.pk}']")
    assert page.is_checked(f"input[name=inspectors][value='{inspector.pk}']")  # the user, pre-ticked
    # Every item passes but one: its button-like radios are clicked through their labels.
    for item in ChecklistItem.values:
        result = CheckResult.FAIL if item == ChecklistItem.NOTICE_BOARD else CheckResult.PASS
        page.click(f"li[data-item=check_{item}] label[for$='_{list(CheckResult.values).index(result)}']")
    page.fill(f"input[name=note_{ChecklistItem.NOTICE_BOARD}]", "工地大门无维权信息告示牌。")
    page.fill("#id_findings", "维权信息告示牌未设置。")
    page.fill("#id_workers_interviewed", "5")
    artifacts.shot(page, "inspection-filled")
    with page.expect_navigation():
        page.click("form.wc-inspection-form button[type=submit]")
    assert re.search(r"/inspections/records/\d+/$", page.url), page.url

    inspection = Inspection.objects.get(project=project)
    order = RectificationOrder.objects.get(inspection=inspection)
    assert inspection.checklist[ChecklistItem.NOTICE_BOARD] == CheckResult.FAIL
    assert set(inspection.inspectors.values_list("pk", flat=True)) == {inspector.pk, partner.pk}
    # The message names the order; the record shows it and its failed item.
    expect(page.locator(".alert-warning.alert-dismissible")).to_contain_text(order.number)
    card = page.locator("#order")
    expect(card.locator(f"a[href='{order.get_absolute_url()}']")).to_have_text(order.number)
    expect(card).to_contain_text(order.rectify_by.strftime("%Y-%m-%d"))
    expect(page.locator("body")).to_contain_text("工地大门无维权信息告示牌。")
    artifacts.shot(page, "inspection-recorded")

    page.click(f"#order a[href='{order.get_absolute_url()}']")
    page.wait_for_url(f"**{order.get_absolute_url()}")
    expect(page.locator("body")).to_contain_text(order.number)
    expect(page.locator("body")).to_contain_text(zh(OrderStatus(order.status).label))
    artifacts.shot(page, "order")
    assert page.errors == []


def test_dashboard_draws_its_charts(regions, live_server, page, artifacts, office_staff, make_clue, make_case,
                                   make_project):
    today = timezone.localdate()
    for days_ago, channel in ((20, Channel.HOTLINE_12333), (12, Channel.ONLINE), (3, Channel.QR_CODE)):
        received = timezone.now() - dt.timedelta(days=days_ago)
        make_clue(received_at=received, channel=channel)
    make_case(occurred_on=today - dt.timedelta(days=60), workers_owed=40, amount_owed=Decimal("500000.00"))
    make_project(industry="housing")
    make_project(industry="transport")
    log_in(page, live_server, office_staff)

    period = f"date_from={(today - dt.timedelta(days=60)).isoformat()}&date_to={today.isoformat()}"
    page.goto(f"{live_server.url}/reports/dashboard/?{period}")
    expect(page.locator("#dashboard-tiles")).to_be_visible()
    expect(page.locator('[data-figure="clues_received"]')).to_have_text("3")
    for name in CHARTS:
        chart = page.locator(f'[data-chart="{name}"]')
        expect(chart).to_have_attribute("data-rendered", "true")
        expect(chart.locator("canvas, svg").first).to_be_visible()
    # Each canvas has something drawn on it (not a blank rectangle).
    blank = page.evaluate("""() => Array.from(document.querySelectorAll('[data-chart] canvas')).filter(c => {
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < data.length; i += 4) { if (data[i]) { return false; } }
        return true; }).map(c => c.closest('[data-chart]').dataset.chart)""")
    assert blank == []
    artifacts.shot(page, "dashboard")
    assert page.errors == []


def test_worker_reports_on_a_phone(regions, live_server, phone_page, artifacts, make_project):
    page = phone_page
    make_project(HOME)  # a project in the county: the county is one the office serves
    page.goto(f"{live_server.url}/public/report/")
    expect(page.locator("#report-submit")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    # Laid out for the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    artifacts.shot(page, "report-form")

    page.fill("#id_complainant_name", "马小军")
    page.fill("#id_complainant_phone", "13709381122")
    page.select_option("#id_region", HOME)
    page.fill("#id_employer_name", "天水某某劳务有限公司")
    page.fill("#id_workers_involved", "3")
    page.fill("#id_amount_claimed", "21000")
    description = "2026年在秦州区某工地做瓦工，三个人两个月工资没发。"
    page.fill("#id_description", description)
    expect(page.locator("#id_description_count")).to_have_text(str(len(description)))
    artifacts.shot(page, "report-filled")
    with page.expect_navigation():
        page.tap("#report-submit")

    number = page.locator("#clue-number")
    expect(number).to_be_visible()
    text = number.inner_text().strip()
    assert re.fullmatch(rf"{HOME}-\d{{4}}-\d{{6}}", text), text
    artifacts.shot(page, "report-done")
    clue = Clue.objects.get(number=text)
    assert (clue.channel, clue.status, clue.region_id, clue.workers_involved) == (Channel.ONLINE, ClueStatus.RECEIVED, HOME, 3)
    assert page.errors == []
