"""The management commands of API.md: issue_token, create_user, create_api_client. Each prints a
token as its last line, and that token authenticates against the API."""
import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from wagecase.core.choices import ChangeSource, Role
from wagecase.core.context import current_context
from wagecase.core.management.commands import create_user as create_user_module
from wagecase.core.models import User

from ..conftest import HOME, OTHER, OTHER_CITY

ME = "/api/v1/users/me/"


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) >= 2, "a line saying what happened, then the token"
    return lines[-1]


def client_with(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# --- issue_token ---------------------------------------------------------------------------------


def test_issue_token_creates_then_returns_the_same(inspector):
    token = run("issue_token", inspector.username)
    assert token == Token.objects.get(user=inspector).key
    assert run("issue_token", inspector.username) == token
    response = client_with(token).get(ME)
    assert response.status_code == 200 and response.json()["username"] == inspector.username


def test_issue_token_unknown_or_inactive_user(inspector):
    with pytest.raises(CommandError):
        call_command("issue_token", "nobody", stdout=io.StringIO())
    inspector.is_active = False
    inspector.save()
    with pytest.raises(CommandError):
        call_command("issue_token", inspector.username, stdout=io.StringIO())
    assert not Token.objects.exists()


# --- create_user ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["inspector", "office_staff", "office_head", "admin"])
def test_create_user_each_role(db, role):
    token = run("create_user", f"u-{role}", "--role", role, "--region", HOME, "--full-name", "王五")
    user = User.objects.get(username=f"u-{role}")
    assert (user.role, user.jurisdiction_id, user.full_name) == (role, HOME, "王五")
    assert user.is_staff == (role == "admin") and not user.is_superuser
    assert not user.has_usable_password()  # token only until a password is set
    data = client_with(token).get(ME).json()
    assert (data["username"], data["role"], data["jurisdiction"]) == (f"u-{role}", role, HOME)


def test_create_user_with_password_and_city_jurisdiction(db, client):
    token = run("create_user", "li", "--role", "office_head", "--region", "6205", "--password", "Tianshui-2026!")
    user = User.objects.get(username="li")
    assert user.check_password("Tianshui-2026!") and user.jurisdiction_id == "6205"
    # Through the login page: django-axes (first backend) needs the request that Client.login() does not pass.
    assert client.post("/login/", {"username": "li", "password": "Tianshui-2026!"}).status_code == 302
    assert client_with(token).get("/api/v1/regions/620503/").status_code == 200


def test_create_user_department(make_department):
    city_inspection = make_department(kind="labour_inspection", region="6205", name="天水市劳动保障监察支队")
    county_office = make_department(kind="hrss", region=HOME, name="秦州区治欠办")
    other = make_department(kind="hrss", region=OTHER, name="麦积区治欠办")
    run("create_user", "insp", "--role", "inspector", "--region", HOME)
    run("create_user", "staff", "--role", "office_staff", "--region", HOME)
    run("create_user", "chosen", "--role", "office_staff", "--region", HOME, "--department-id", str(other.pk))
    assert User.objects.get(username="insp").department == city_inspection  # the nearest up the tree
    assert User.objects.get(username="staff").department == county_office
    assert User.objects.get(username="chosen").department == other


@pytest.mark.parametrize(
    "args",
    [
        ["--role", "inspector", "--region", "629999"],  # no such region
        ["--role", "inspector", "--region", "abc"],
        ["--role", "wizard", "--region", HOME],  # no such role
        ["--role", "bureau", "--region", HOME],  # bureau accounts come from create_api_client
        ["--role", "inspector", "--region", HOME, "--department-id", "999999"],
        ["--role", "inspector", "--region", HOME, "--password", "123"],  # too weak
    ],
)
def test_create_user_bad_input(db, args):
    with pytest.raises(CommandError) as error:
        call_command("create_user", "newcomer", *args, stdout=io.StringIO())
    assert str(error.value)
    assert not User.objects.filter(username="newcomer").exists()
    assert not Token.objects.exists()


def test_create_user_existing_username(inspector):
    with pytest.raises(CommandError, match=inspector.username):
        call_command("create_user", inspector.username, "--role", "admin", "--region", HOME, stdout=io.StringIO())
    inspector.refresh_from_db()
    assert inspector.role == Role.INSPECTOR


def test_commands_run_in_a_command_change_context(db, monkeypatch):
    seen = []
    original = create_user_module.save_user

    def spy(user, password=None):
        ctx = current_context()
        seen.append((ctx.source, ctx.label))
        return original(user, password)

    monkeypatch.setattr(create_user_module, "save_user", spy)
    run("create_user", "ctx", "--role", "inspector", "--region", HOME)
    run("create_api_client", "ctx-bureau", "--industry", "housing", "--region", "6205")
    assert seen == [
        (ChangeSource.COMMAND, "manage.py create_user"),
        (ChangeSource.COMMAND, "manage.py create_api_client"),
    ]


# --- create_api_client -------------------------------------------------------------------------------


def test_create_api_client_is_limited_to_industries_and_region(make_enterprise, make_department):
    housing_office = make_department(kind="housing", region="6205", name="天水市住建局")
    inside = make_enterprise(region=HOME)
    outside = make_enterprise(region=OTHER_CITY)
    token = run("create_api_client", "tianshui-housing", "--industry", "housing", "--industry", "transport",
                "--industry", "housing", "--region", "6205")
    user = User.objects.get(username="tianshui-housing")
    assert user.role == Role.BUREAU and user.industries == ["housing", "transport"] and user.jurisdiction_id == "6205"
    assert user.department == housing_office and not user.is_staff and not user.has_usable_password()
    client = client_with(token)
    me = client.get(ME).json()
    assert (me["role"], me["industries"], me["jurisdiction"]) == ("bureau", ["housing", "transport"], "6205")
    usccs = {e["uscc"] for e in client.get("/api/v1/enterprises/").json()["results"]}
    assert inside.uscc in usccs and outside.uscc not in usccs
    # A bureau client reads, but does not run, the offices' records.
    assert client.get("/api/v1/departments/").status_code == 200
    assert client.post("/api/v1/departments/", {"kind": "housing", "name": "x", "region_code": "6205"}).status_code == 403


@pytest.mark.parametrize(
    "args",
    [
        ["--industry", "mining", "--region", "6205"],
        ["--industry", "housing", "--region", "6299"],
    ],
)
def test_create_api_client_bad_input(db, args):
    with pytest.raises(CommandError):
        call_command("create_api_client", "client", *args, stdout=io.StringIO())
    assert not User.objects.filter(username="client").exists()


def test_create_api_client_requires_an_industry(db):
    with pytest.raises(CommandError):
        call_command("create_api_client", "client", "--region", "6205", stdout=io.StringIO())


def test_create_api_client_existing_name(bureau):
    with pytest.raises(CommandError):
        call_command("create_api_client", bureau.username, "--industry", "water", "--region", "6205", stdout=io.StringIO())
    bureau.refresh_from_db()
    assert bureau.industries == ["housing"]
