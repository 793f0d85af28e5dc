"""The public (no-login) pages: reporting arrears, tracking a clue, and the project's QR code."""
import re
from decimal import Decimal

import pytest
from django import forms
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from complaints import services
from complaints.choices import Channel, ClueEventType, ClueStatus
from complaints.models import DESCRIPTION_MAX, Clue
from projects.qr import project_report_address
from tests.conftest import HOME, OTHER

REPORT = "/public/report/"
TRACK = "/public/track/"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the default cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tianshui(make_department):
    """A city-level department: every county of Tianshui is offered in the form."""
    return make_department(kind="hrss", region="6205", name="天水市根治欠薪办")


def report_data(**overrides):
    data = {
        "complainant_name": "李大强",
        "complainant_phone": "13912345678",
        "complainant_id_number": "",
        "region": HOME,
        "employer_name": "甘肃某某劳务有限公司",
        "employer_uscc": "",
        "workers_involved": "4",
        "amount_claimed": "23600.50",
        "description": "2026年8月至10月在秦州区某工地干活，工资一直没发。",
        "website": "",
    }
    data.update(overrides)
    return data


def required_message():
    with translation.override("zh-hans"):
        return str(forms.Field.default_error_messages["required"])


# --- Reporting -----------------------------------------------------------------------------------------

def test_report_form_needs_no_login(client, tianshui):
    response = client.get(REPORT)
    assert response.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in response.content
    form = response.context["form"]
    assert "region" in form.fields
    offered = {code for _group, options in form.fields["region"].choices[1:] for code, _name in options}
    assert {HOME, OTHER} <= offered and "110101" not in offered
    # Bootstrap from our own static files: nothing is fetched from another host.
    assert not re.search(r'(src|href)="(https?:)?//', response.content.decode())
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in response.content.decode()
    # The honeypot is in the page, hidden by CSS.
    assert b'class="pub-hp"' in response.content and b'name="website"' in response.content
    # The site is named after this page: its tab reads the name once ("反映欠薪 · 反映欠薪" before);
    # the other public pages read "<page> · 反映欠薪".
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()
    assert title == "反映欠薪"
    track = re.search(r"<title>(.*?)</title>", client.get(TRACK).content.decode(), re.S).group(1).strip()
    assert track == "查询办理进度 · 反映欠薪"


def test_report_creates_online_clue(client, tianshui):
    response = client.post(REPORT, report_data())
    assert response.status_code == 302 and response.url == reverse("public:report_done")
    clue = Clue.objects.get()
    assert clue.channel == Channel.ONLINE
    assert clue.region_id == HOME and clue.project is None
    assert clue.received_by is None and clue.owner is None
    assert clue.status == ClueStatus.RECEIVED
    assert clue.complainant_phone == "13912345678"
    assert clue.amount_claimed == Decimal("23600.50") and clue.workers_involved == 4
    assert list(clue.events.values_list("type", flat=True)) == [ClueEventType.RECEIVED]

    done = client.get(response.url)
    assert done.status_code == 200
    assert clue.number in done.content.decode()
    assert "no-store" in done["Cache-Control"] or "max-age=0" in done["Cache-Control"]


def test_done_page_without_a_report_goes_to_the_form(client):
    response = client.get(reverse("public:report_done"))
    assert response.status_code == 302 and response.url == REPORT


def test_report_by_project_qr_code(client, make_project):
    project = make_project(OTHER, name="麦积区安置小区3号楼")
    url = f"{REPORT}?project={project.code}"
    page = client.get(url)
    assert page.status_code == 200
    assert project.name in page.content.decode()
    assert "region" not in page.context["form"].fields  # the project fixes the county

    data = report_data()
    del data["region"]
    response = client.post(url, data)
    assert response.status_code == 302
    clue = Clue.objects.get()
    assert clue.channel == Channel.QR_CODE
    assert clue.project == project and clue.region_id == OTHER
    assert clue.industry == project.industry


def test_unknown_project_code_gives_the_plain_form(client, tianshui):
    page = client.get(f"{REPORT}?project=NO-SUCH-CODE")
    assert page.status_code == 200 and page.context["project"] is None
    assert "region" in page.context["form"].fields
    response = client.post(f"{REPORT}?project=NO-SUCH-CODE", report_data())
    assert response.status_code == 302
    assert Clue.objects.get().channel == Channel.ONLINE


@pytest.mark.parametrize("field, value", [
    ("complainant_name", ""),
    ("complainant_phone", "12345"),
    ("complainant_id_number", "620502199001011236"),  # wrong check digit
    ("employer_uscc", "91620500MA000000XX"),
    ("employer_name", "公" * 201),
    ("complainant_name", "名" * 51),
    ("workers_involved", "0"),
    ("amount_claimed", "-1"),
    ("amount_claimed", "12.345"),
    ("description", "字" * (DESCRIPTION_MAX + 1)),
    ("description", "   "),
    ("region", "110101"),  # a county this installation does not serve
    ("region", ""),
])
def test_invalid_report_shows_errors_and_saves_nothing(client, tianshui, field, value):
    response = client.post(REPORT, report_data(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    content = response.content.decode()
    assert f'data-field="{field}"' in content
    assert 'aria-invalid="true"' in content
    assert not Clue.objects.exists()


def test_errors_are_in_the_default_language(client, tianshui):
    response = client.post(REPORT, report_data(complainant_name="", employer_name=""))
    content = response.content.decode()
    assert set(response.context["form"].errors) == {"complainant_name", "employer_name"}
    assert content.count(required_message()) == 2
    assert '<html lang="zh-hans">' in content


def test_description_line_breaks_count_once(client, tianshui):
    # 1000 lines of "x" + CRLF: 2000 characters as the browser counts them (and as stored), 3000 as sent.
    text = "x\r\n" * (DESCRIPTION_MAX // 2 - 1) + "xy"
    response = client.post(REPORT, report_data(description=text))
    assert response.status_code == 302
    assert len(Clue.objects.get().description) == DESCRIPTION_MAX


def test_honeypot_saves_nothing(client, tianshui):
    response = client.post(REPORT, report_data(website="http://spam.example"))
    assert response.status_code == 400
    assert not Clue.objects.exists()
    assert response.context["rejected"]
    # The person's entries come back, the honeypot does not.
    content = response.content.decode()
    assert "李大强" in content and "spam.example" not in content


def test_rate_limit_per_ip(client, tianshui):
    for n in range(5):
        response = client.post(REPORT, report_data(complainant_phone=f"1391234560{n}"), REMOTE_ADDR="10.1.1.1")
        assert response.status_code == 302
    response = client.post(REPORT, report_data(complainant_phone="13912345699"), REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "public/429.html" in [t.name for t in response.templates]
    assert Clue.objects.count() == 5
    # Another address is not affected.
    assert client.post(REPORT, report_data(complainant_phone="13912345699"), REMOTE_ADDR="10.1.1.2").status_code == 302


def test_rate_limit_per_phone(client, tianshui):
    for n in range(3):
        response = client.post(REPORT, report_data(), REMOTE_ADDR=f"10.2.0.{n + 1}")
        assert response.status_code == 302
    response = client.post(REPORT, report_data(complainant_phone="139 1234 5678"), REMOTE_ADDR="10.2.0.9")
    assert response.status_code == 429
    assert Clue.objects.count() == 3


def test_invalid_submissions_do_not_count(client, tianshui):
    for _ in range(8):
        assert client.post(REPORT, report_data(complainant_phone="1"), REMOTE_ADDR="10.3.0.1").status_code == 200
    assert client.post(REPORT, report_data(), REMOTE_ADDR="10.3.0.1").status_code == 302


def test_honeypot_counts_against_the_ip_limit(client, tianshui):
    for _ in range(5):
        assert client.post(REPORT, report_data(website="x"), REMOTE_ADDR="10.4.0.1").status_code == 400
    assert client.post(REPORT, report_data(), REMOTE_ADDR="10.4.0.1").status_code == 429
    assert not Clue.objects.exists()


def test_csrf_is_enforced(tianshui):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(REPORT, report_data())
    assert response.status_code == 403
    assert not Clue.objects.exists()


# --- Tracking --------------------------------------------------------------------------------------------

def csrf_free(content):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_track_shows_status_for_the_right_phone(client, make_clue):
    clue = make_clue(complainant_phone="13811112222")
    response = client.post(TRACK, {"number": clue.number, "phone": "138 1111 2222"})
    assert response.status_code == 200
    shown = response.context["clue"]
    assert shown["number"] == clue.number and shown["status"] == ClueStatus.RECEIVED
    assert shown["accept_due"] == clue.accept_due and not shown["accepted"]
    content = response.content.decode()
    assert 'data-status="received"' in content
    with translation.override("zh-hans"):
        assert str(ClueStatus.RECEIVED.label) in content
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_track_not_found_does_not_leak(client, make_clue):
    clue = make_clue(complainant_phone="13811112222")
    wrong_phone = client.post(TRACK, {"number": clue.number, "phone": "13899998888"})
    unknown = client.post(TRACK, {"number": "620502-2026-999999", "phone": "13899998888"})
    for response in (wrong_phone, unknown):
        assert response.status_code == 200
        assert response.context["not_found"] and "clue" not in response.context
        assert 'data-status' not in response.content.decode()
    # Word for word the same page, whether the number exists or not.
    assert csrf_free(wrong_phone.content).replace(clue.number.encode(), b"") == csrf_free(unknown.content).replace(
        b"620502-2026-999999", b""
    )


def test_track_invalid_input_shows_errors(client):
    response = client.post(TRACK, {"number": "", "phone": "abc"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"number", "phone"}
    assert required_message() in response.content.decode()


def test_track_timeline_is_public_safe(client, make_clue, inspector, make_user):
    officer = make_user(full_name="张监察员")
    clue = make_clue(user=officer, complainant_phone="13811113333")
    services.clue_note(clue=clue, user=officer, comment="内部备注：老板有背景")
    clue = services.clue_accept(clue=clue, user=officer, comment="受理意见内部")
    clue = services.clue_classify(clue=clue, user=officer, category="wage_arrears")
    clue = services.clue_resolve(clue=clue, user=officer, workers_paid=3, amount_recovered=Decimal("18600"),
                                 result="责令限期支付，老板已全部结清（内部）")
    clue = services.clue_close(clue=clue, user=officer, reply="您反映的欠薪已全部支付到位。")

    response = client.post(TRACK, {"number": clue.number, "phone": "13811113333"})
    content = response.content.decode()
    shown = response.context["clue"]
    assert shown["closed"] and shown["reply"] == "您反映的欠薪已全部支付到位。"
    assert shown["workers_paid"] == 3 and shown["amount_recovered"] == Decimal("18600.00")
    assert [e["type"] for e in shown["timeline"]] == ["received", "accepted", "classified", "resolved", "closed"]
    assert "您反映的欠薪已全部支付到位。" in content
    assert "办结日期" in content and "销户日期" not in content  # a clue is closed (办结), not an account (销户)
    for secret in ("张监察员", officer.username, "内部备注", "受理意见内部", "（内部）", clue.complainant_name):
        assert secret not in content


def test_track_rejected_clue_shows_the_reason(client, make_clue, inspector):
    clue = make_clue(complainant_phone="13811114444")
    services.clue_reject(clue=clue, user=inspector, reason="已超过两年时效")
    response = client.post(TRACK, {"number": clue.number, "phone": "13811114444"})
    assert response.context["clue"]["reply"] == "已超过两年时效"
    assert [e["type"] for e in response.context["clue"]["timeline"]] == ["received", "rejected"]


@override_settings(PUBLIC_TRACK_RATE_PER_IP="3/h")
def test_track_rate_limit_per_ip(client, make_clue):
    clue = make_clue(complainant_phone="13811115555")
    for _ in range(3):
        assert client.post(TRACK, {"number": clue.number, "phone": "13800000000"}, REMOTE_ADDR="10.5.0.1").status_code == 200
    limited = client.post(TRACK, {"number": clue.number, "phone": "13811115555"}, REMOTE_ADDR="10.5.0.1")
    assert limited.status_code == 429 and "clue" not in (limited.context or {})
    assert client.post(TRACK, {"number": clue.number, "phone": "13811115555"}, REMOTE_ADDR="10.5.0.2").status_code == 200


def test_report_then_track_round_trip(client, tianshui):
    client.post(REPORT, report_data(complainant_phone="13700001111"))
    number = Clue.objects.get().number
    response = client.post(TRACK, {"number": number, "phone": "13700001111"})
    assert response.context["clue"]["status"] == ClueStatus.RECEIVED


# --- The project's QR code ---------------------------------------------------------------------------------

def test_qr_png_and_svg(client, inspector, make_project):
    project = make_project(HOME)
    client.force_login(inspector)
    png = client.get(f"/projects/{project.code}/qr.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    svg = client.get(f"/projects/{project.code}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    assert "Content-Disposition" not in svg
    download = client.get(f"/projects/{project.code}/qr.png?download=1")
    assert download["Content-Disposition"].startswith("attachment;") and f"{project.code}-qr.png" in download["Content-Disposition"]


def test_qr_encodes_the_public_report_address(rf, make_project, settings):
    import segno

    settings.ALLOWED_HOSTS = ["wage.example.cn"]
    project = make_project(HOME, code="TS-2026.01")
    request = rf.get("/", HTTP_HOST="wage.example.cn")
    assert project_report_address(request, project) == "http://wage.example.cn/public/report/?project=TS-2026.01"
    settings.PUBLIC_BASE_URL = "https://gzqx.tianshui.gov.cn"
    address = project_report_address(request, project)
    assert address == "https://gzqx.tianshui.gov.cn/public/report/?project=TS-2026.01"
    from projects.qr import project_qr

    assert project_qr(address, "svg") == _svg_of(segno.make(address, error="m", micro=False))


def _svg_of(code):
    import io

    out = io.BytesIO()
    code.save(out, kind="svg", scale=10, border=4, xmldecl=True, svgns=True)
    return out.getvalue()


def test_qr_of_another_countys_project_is_404(client, inspector, make_project):
    project = make_project(OTHER)
    client.force_login(inspector)
    assert client.get(f"/projects/{project.code}/qr.png").status_code == 404
    assert client.get(f"/projects/{project.code}/qr.svg").status_code == 404


def test_qr_needs_login(client, make_project):
    project = make_project(HOME)
    for kind in ("png", "svg"):
        response = client.get(f"/projects/{project.code}/qr.{kind}")
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_notice_board_tab_shows_the_qr_panel(client, inspector, make_project):
    project = make_project(HOME)
    client.force_login(inspector)
    response = client.get(f"{project.get_absolute_url()}?tab=board")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="project-qr"' in content
    assert f'src="/projects/{project.code}/qr.svg"' in content
    assert f'href="/projects/{project.code}/qr.png?download=1"' in content
