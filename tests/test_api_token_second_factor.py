"""API tokens and the API's session do not go round the second factor (issue 15): a person
whose role requires it gets a token only with a code from their confirmed device, and only
such a token (or a session verified with a code) is accepted."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.models import Role, RoleSecondFactor, User
from accounts.services import second_factor_confirm, second_factor_enrol

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
SOME_API = "/api/v1/requests/"


def _code(device: TOTPDevice) -> str:
    return f"{totp(bytes.fromhex(device.key)):06d}"  # type: ignore[no-untyped-call]


def _with_device(user: User) -> TOTPDevice:
    device = second_factor_enrol(user=user)
    second_factor_confirm(user=user, token=_code(device))
    device.refresh_from_db()
    device.last_t = -1  # the set-up code may be given again in the same 30 s step here
    device.save()
    return device


def _get(token: str) -> int:
    return Client().get(SOME_API, HTTP_AUTHORIZATION=f"Token {token}").status_code


def test_a_role_without_the_requirement_gets_its_token_with_a_password(
    make_user: Callable[..., User],
) -> None:
    agent = make_user(Role.AGENT)
    answer = Client().post(TOKEN_URL, {"username": agent.username, "password": "pw"})
    assert answer.status_code == 200
    assert _get(answer.json()["token"]) == 200


def test_a_password_alone_gets_no_token_when_the_role_requires_a_code(
    make_user: Callable[..., User],
) -> None:
    RoleSecondFactor.objects.create(role=Role.SUPERVISOR)
    supervisor = make_user(Role.SUPERVISOR)
    login = {"username": supervisor.username, "password": "pw"}
    without_device = Client().post(TOKEN_URL, login)
    assert without_device.status_code == 400
    assert "otp_token" in without_device.json()
    device = _with_device(supervisor)
    assert Client().post(TOKEN_URL, login).status_code == 400
    wrong = "000000" if _code(device) != "000000" else "111111"
    assert Client().post(TOKEN_URL, {**login, "otp_token": wrong}).status_code == 400
    assert not Token.objects.filter(user=supervisor).exists()


def test_a_token_issued_with_a_code_works_until_the_device_is_removed(
    make_user: Callable[..., User],
) -> None:
    RoleSecondFactor.objects.create(role=Role.SUPERVISOR)
    supervisor = make_user(Role.SUPERVISOR)
    before = Token.objects.create(user=supervisor)  # by hand, or before the role required it
    assert _get(before.key) == 401
    device = _with_device(supervisor)
    answer = Client().post(
        TOKEN_URL, {"username": supervisor.username, "password": "pw", "otp_token": _code(device)}
    )
    assert answer.status_code == 200
    token = answer.json()["token"]
    assert token != before.key
    assert _get(token) == 200
    assert _get(before.key) == 401  # the old copy is gone
    device.delete()  # an administrator resets the second factor
    assert _get(token) == 401


def test_a_token_from_before_the_requirement_stops_working_when_it_is_set(
    make_user: Callable[..., User],
) -> None:
    supervisor = make_user(Role.SUPERVISOR)
    answer = Client().post(TOKEN_URL, {"username": supervisor.username, "password": "pw"})
    token = answer.json()["token"]
    assert _get(token) == 200
    RoleSecondFactor.objects.create(role=Role.SUPERVISOR)
    assert _get(token) == 401


def test_the_api_session_needs_the_code_too(make_user: Callable[..., User]) -> None:
    RoleSecondFactor.objects.create(role=Role.SUPERVISOR)
    supervisor = make_user(Role.SUPERVISOR)
    device = _with_device(supervisor)
    browser = Client()
    browser.force_login(supervisor)  # the password only
    assert browser.get(SOME_API).status_code in (401, 403)
    verified = browser.post("/staff/second-factor/", {"token": _code(device), "next": "/staff/"})
    assert verified.status_code == 302
    assert browser.get(SOME_API).status_code == 200


def _queries_naming(table: str, run: Callable[[], int]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = run()
    return status, [q["sql"] for q in queries.captured_queries if table in q["sql"]]


def test_the_rule_is_read_with_the_token_or_the_session_user_not_again(
    make_user: Callable[..., User],
) -> None:
    RoleSecondFactor.objects.create(role=Role.SUPERVISOR)
    supervisor = make_user(Role.SUPERVISOR)
    device = _with_device(supervisor)
    login = {"username": supervisor.username, "password": "pw", "otp_token": _code(device)}
    key = Client().post(TOKEN_URL, login).json()["token"]
    status, reads = _queries_naming("accounts_rolesecondfactor", lambda: _get(key))
    assert status == 200
    assert len(reads) == 1
    assert "authtoken_token" in reads[0]  # the token, its user, the rule and its code at once
    agent = make_user(Role.AGENT)
    browser = Client()
    browser.force_login(agent)
    status, reads = _queries_naming(
        "accounts_rolesecondfactor", lambda: browser.get(SOME_API).status_code
    )
    assert status == 200
    assert len(reads) == 1
    assert "accounts_user" in reads[0]  # loaded with the session's user


def test_a_superuser_without_a_role_counts_as_an_administrator_with_the_rule_preloaded(
    make_user: Callable[..., User],
) -> None:
    root = User.objects.create_superuser("root", password="pw")
    browser = Client()
    browser.force_login(root)
    assert browser.get("/staff/").status_code == 200
    RoleSecondFactor.objects.create(role=Role.ADMIN)
    asked = browser.get("/staff/")
    assert asked.status_code == 302
    assert "/staff/second-factor/" in asked["Location"]
    agent = make_user(Role.AGENT)
    browser.force_login(agent)
    assert browser.get("/staff/").status_code == 200  # the rule is the admins' only
