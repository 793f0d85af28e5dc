"""Hardening: login lockout (django-axes), password rules, CSRF on every form, security headers,
production cookie and header settings, and the validation of uploaded photos and spreadsheets.

`manage.py check --deploy` under the production settings is tested in test_settings.py."""
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from PIL import Image

from projects.models import NoticeBoard
from tests.projects.conftest import make_project  # noqa: F401  (fixture)
from wagecase.core import security
from wagecase.core.models import Job
from wagecase.core.validators import validate_photo_upload, validate_xlsx_upload

PASSWORD = "pw-for-tests-only"  # tests/conftest.make_user


def login(client, username, password, address="10.1.2.3", path="/login/"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_five_times(client, username, address="10.1.2.3", path="/login/"):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        response = login(client, username, "wrong-password", address, path)
        assert response.status_code in (200, 429)  # the form again with its error; the last one may lock


# --- Login lockout -------------------------------------------------------------------------------

def test_five_wrong_passwords_lock_the_account_on_that_address(client, inspector):
    assert django_settings.AXES_FAILURE_LIMIT == 5
    fail_five_times(client, inspector.username)
    response = login(client, inspector.username, PASSWORD)  # the right password, too late
    assert response.status_code == 429
    page = response.content.decode()
    assert security.lockout_message() in page  # gettext: Chinese once translated
    assert 'name="username"' in page and 'name="password"' in page  # still the login page
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # not logged in

    # Username + address: the same account from another address, another account from this one.
    assert login(Client(), inspector.username, PASSWORD, address="10.9.9.9").status_code == 302


def test_lockout_does_not_spill_to_other_users(client, inspector, office_staff):
    fail_five_times(client, inspector.username)
    assert login(Client(), office_staff.username, PASSWORD).status_code == 302


def test_lockout_ends_after_the_cool_off(client, inspector):
    fail_five_times(client, inspector.username)
    assert login(client, inspector.username, PASSWORD).status_code == 429
    # The attempts age past the cool-off (instead of waiting 15 minutes).
    aged = timezone.now() - django_settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=aged)
    assert login(client, inspector.username, PASSWORD).status_code == 302
    # A success resets the count: four more failures do not lock.
    client.logout()
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        login(client, inspector.username, "wrong-password")
    assert login(client, inspector.username, PASSWORD).status_code == 302


def test_an_administrator_unlocks_in_the_admin(client, inspector, admin_user):
    fail_five_times(client, inspector.username)
    attempt = AccessAttempt.objects.get(username=inspector.username)
    staff = Client()
    staff.force_login(admin_user)
    assert staff.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    response = staff.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert login(client, inspector.username, PASSWORD).status_code == 302


def test_unlock_by_command(client, inspector):
    from django.core.management import call_command

    fail_five_times(client, inspector.username)
    call_command("axes_reset_username", inspector.username, stdout=io.StringIO())
    assert login(client, inspector.username, PASSWORD).status_code == 302


def test_the_admin_login_locks_too(client, admin_user):
    fail_five_times(client, admin_user.username, path="/admin/login/")
    response = login(client, admin_user.username, PASSWORD, path="/admin/login/")
    assert response.status_code == 429 and security.lockout_message() in response.content.decode()


def test_lockout_of_an_xhr_caller_is_json(client, inspector):
    fail_five_times(client, inspector.username)
    response = client.post("/login/", {"username": inspector.username, "password": PASSWORD},
                           REMOTE_ADDR="10.1.2.3", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 429 and response.json()["code"] == "locked_out"


def test_client_ip_follows_the_rate_limits_header(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert security.client_ip(request) == "10.0.0.1"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    assert security.client_ip(request) == "203.0.113.7"


# --- Passwords ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("password, ok", [
    ("Ab1!", False),  # too short
    ("tianshui2026", False),  # two kinds only
    ("TIANSHUIqinzhou", False),  # two kinds only
    ("12345678901234", False),  # numeric
    ("Password1234", False),  # common (Django's list, compared in lower case)
    ("Tianshui-2026!", True),
    ("qinzhou-2026-xa", True),  # lower, digits, symbols
])
def test_password_rules(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


# --- CSRF ----------------------------------------------------------------------------------------------

FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)


def test_every_post_form_in_the_templates_carries_a_csrf_token():
    roots = [Path(d) for d in django_settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(django_settings.BASE_DIR) / app / "templates" for app in ("projects", "complaints", "inspections", "blacklist")]
    checked, missing = 0, []
    for root in roots:
        for path in root.rglob("*.html") if root.is_dir() else []:
            for attributes, body in FORM_RE.findall(path.read_text(encoding="utf-8")):
                if re.search(r"method=[\"']?post", attributes, re.I):
                    checked += 1
                    if "csrf_token" not in body:
                        missing.append(str(path.relative_to(django_settings.BASE_DIR)))
    assert checked >= 30 and not missing, (checked, missing)


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_post_without_csrf_token_is_refused(csrf_client, inspector, make_project):  # noqa: F811
    project = make_project()
    # Anonymous: the login page and the public complaint form.
    assert csrf_client.post("/login/", {"username": inspector.username, "password": PASSWORD}).status_code == 403
    assert csrf_client.post(reverse("public:report"), {"description": "x"}).status_code == 403
    csrf_client.force_login(inspector)
    pages = [
        reverse("complaints:clue_add"),
        reverse("inspections:inspection_add"),
        reverse("projects:noticeboard_set", args=[project.code]),
        reverse("projects:project_import"),
        reverse("logout"),
        reverse("set_language"),
    ]
    for url in pages:
        assert csrf_client.post(url, {}).status_code == 403, url
    # The API with a session cookie (DRF's SessionAuthentication enforces CSRF as well).
    response = csrf_client.post("/api/v1/clues/", {}, content_type="application/json")
    assert response.status_code == 403, response.content
    # With the token, the same login goes through.
    csrf_client.logout()
    token = csrf_client.get("/login/").cookies["csrftoken"].value
    response = csrf_client.post("/login/", {"username": inspector.username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


# --- Headers -------------------------------------------------------------------------------------------

def test_security_headers_on_pages(client):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'"):
        assert directive in csp
    assert "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_production_cookies_and_headers():
    environ = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    environ.update(SECRET_KEY="x" * 60, ALLOWED_HOSTS="wagecase.example.cn", CACHE_URL="redis://127.0.0.1:6379/1")
    names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY",
             "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_CONTENT_TYPE_NOSNIFF",
             "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS", "DEBUG", "AXES_ENABLED", "CONTENT_SECURITY_POLICY"]
    code = ("import json, django; django.setup(); from django.conf import settings as s; "
            f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=django_settings.BASE_DIR, capture_output=True, text=True,
                          timeout=120, env={**environ, "DJANGO_SETTINGS_MODULE": "wagecase.settings.production"})
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["CSRF_COOKIE_HTTPONLY"] and values["SECURE_SSL_REDIRECT"] and not values["DEBUG"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin" and values["AXES_ENABLED"]
    assert "default-src 'self'" in values["CONTENT_SECURITY_POLICY"]


# --- Uploads: photos -----------------------------------------------------------------------------------

def image_bytes(fmt, size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 40, 40)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt, name", [("JPEG", "现场.jpg"), ("PNG", "现场.png"), ("WEBP", "现场.webp")])
def test_real_photos_pass(fmt, name):
    validate_photo_upload(SimpleUploadedFile(name, image_bytes(fmt)))


@pytest.mark.parametrize("content, reason", [
    ("这不是照片".encode() * 10, "text renamed .jpg"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "JPEG magic, no image"),
    (image_bytes("JPEG", (400, 300))[:600], "truncated JPEG"),
    (image_bytes("PNG")[:-20] + b"\x00" * 20, "PNG with a broken chunk"),
    (image_bytes("GIF"), "GIF"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "SVG"),
])
def test_fake_or_broken_photos_are_refused(content, reason):
    with pytest.raises(ValidationError):
        validate_photo_upload(SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg"))


def test_photo_size_and_pixel_limits(settings):
    settings.PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="1000|MB") as error:
        validate_photo_upload(SimpleUploadedFile("big.jpg", image_bytes("JPEG", (400, 300)) + b"\x00" * 1000))
    assert error.value.code == "photo_size"
    settings.PHOTO_MAX_BYTES = 5 * 1024 * 1024
    # A small file that claims a huge image (a decompression bomb): refused from the header.
    bomb = image_bytes("PNG", (1, 1))
    bomb = bomb[:16] + (60000).to_bytes(4, "big") + (60000).to_bytes(4, "big") + bomb[24:]
    with pytest.raises(ValidationError) as error:
        validate_photo_upload(SimpleUploadedFile("bomb.png", bomb))
    assert error.value.code in ("photo_pixels", "photo_type")


def test_fake_photo_on_the_notice_board_page_saves_nothing(client, inspector, make_project):  # noqa: F811
    project = make_project()
    client.force_login(inspector)
    fake = SimpleUploadedFile("board.jpg", b"just some text, renamed .jpg" * 20, content_type="image/jpeg")
    response = client.post(reverse("projects:noticeboard_set", args=[project.code]),
                           {"installed_on": timezone.localdate().isoformat(), "photo": fake})
    assert response.status_code == 200 and "photo" in response.context["form"].errors
    assert not NoticeBoard.objects.exists()


# --- Uploads: spreadsheets -------------------------------------------------------------------------------

def workbook_bytes():
    book = Workbook()
    book.active.append(["项目编号", "项目名称"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_real_workbook_passes():
    validate_xlsx_upload(SimpleUploadedFile("项目.xlsx", workbook_bytes()))


@pytest.mark.parametrize("name, content", [
    ("项目.xlsx", b"name,code\n1,2\n"),  # CSV renamed
    ("项目.xlsx", zip_bytes({"readme.txt": "hello"})),  # a zip, not a workbook
    ("项目.xlsx", zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})),  # no spreadsheetml
    ("项目.xlsx", workbook_bytes()[:400]),  # truncated
    ("项目.docx", workbook_bytes()),  # wrong name
])
def test_things_that_are_not_workbooks_are_refused(name, content):
    with pytest.raises(ValidationError):
        validate_xlsx_upload(SimpleUploadedFile(name, content))


def test_spreadsheet_size_and_zip_bomb_limits(settings):
    settings.SPREADSHEET_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        validate_xlsx_upload(SimpleUploadedFile("大.xlsx", workbook_bytes() + b"\x00" * 5000))
    assert error.value.code == "file_size"
    settings.SPREADSHEET_MAX_BYTES = 20 * 1024 * 1024
    # A workbook with a sheet of 8 MB of zeros: a few KB zipped, too much unzipped (limit lowered to 4 MB).
    settings.SPREADSHEET_MAX_UNZIPPED_BYTES = 4 * 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(workbook_bytes())) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members["xl/worksheets/sheet2.xml"] = b"0" * (8 * 1024 * 1024)
    bomb = zip_bytes(members)
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError) as error:
        validate_xlsx_upload(SimpleUploadedFile("炸弹.xlsx", bomb))
    assert error.value.code == "file_unzipped_size"


def test_zip_bomb_on_the_import_page_starts_no_job(client, inspector, settings):
    settings.SPREADSHEET_MAX_UNZIPPED_BYTES = 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(workbook_bytes())) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members["xl/sharedStrings.xml"] = b" " * (2 * 1024 * 1024)
    client.force_login(inspector)
    response = client.post(reverse("projects:project_import"), {"file": SimpleUploadedFile("项目.xlsx", zip_bytes(members))})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not Job.objects.exists()
