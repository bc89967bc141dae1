"""The service's own plumbing: settings from the environment, health, schema, deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from civic311.env import (
    ImproperlyConfiguredEnv,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)

ROOT = Path(__file__).resolve().parent.parent


def test_env_readers_parse_values() -> None:
    environ = {"FLAG": "Yes", "COUNT": " 12 ", "HOSTS": "a.org, b.org,,", "MODE": "test"}
    assert env_bool("FLAG", False, environ=environ) is True
    assert env_bool("MISSING", True, environ=environ) is True
    assert env_int("COUNT", 0, environ=environ) == 12
    assert env_list("HOSTS", [], environ=environ) == ["a.org", "b.org"]
    assert env_choice("MODE", ("local", "test"), "local", environ=environ) == "test"
    assert env_str("MISSING", "default", environ=environ) == "default"


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (lambda e: env_bool("V", False, environ=e), "V must be a boolean"),
        (lambda e: env_int("V", 0, environ=e), "V must be an integer"),
        (lambda e: env_choice("V", ("a", "b"), "a", environ=e), "V must be one of a, b"),
        (lambda e: env_str("UNSET", environ=e), "UNSET must be set"),
    ],
)
def test_env_readers_fail_loudly_with_the_variable_name(read: object, message: str) -> None:
    with pytest.raises(ImproperlyConfiguredEnv, match=message):
        read({"V": "maybe"})  # type: ignore[operator]


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_without_leaking_details_when_broker_is_down(
    client: Client, settings: Settings
) -> None:
    settings.CELERY_BROKER_URL = "redis://:secret-password@127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] != "ok"
    assert "secret-password" not in response.content.decode()


def test_healthz_rejects_writes(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_openapi_schema_is_valid_without_warnings(tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/requests/" in text
    assert "/api/v1/requests/{id}/status/" in text


@pytest.mark.django_db
def test_api_docs_page_uses_self_hosted_assets(admin_client: Client) -> None:
    response = admin_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html
    assert "unpkg" not in html
    assert "jsdelivr" not in html


def test_production_settings_pass_the_deploy_check() -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "CIVIC311_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "311.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env |= {"CIVIC311_ENV": "production", "DJANGO_ALLOWED_HOSTS": "311.example.org"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_rate_counter_counts_within_one_window_and_tells_the_time_left() -> None:
    from django.core.cache import caches

    from core.cache import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    assert cache.counter_incr("calls", timeout=60) == (1, 60)
    count, left = cache.counter_incr("calls", timeout=60)
    assert count == 2
    assert 0 < left <= 60  # the window runs from the first call: a call does not extend it
    assert cache.counter_incr("other-calls", timeout=60)[0] == 1


@pytest.mark.django_db
def test_staff_api_is_throttled_per_user(
    make_user: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.throttles import StaffRateThrottle

    monkeypatch.setattr(StaffRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    first, second = client_for(make_user("agent")), client_for(make_user("agent"))
    assert [first.get("/api/v1/services/").status_code for _ in range(2)] == [200, 200]
    throttled = first.get("/api/v1/services/")
    assert throttled.status_code == 429
    assert 1 <= int(throttled["Retry-After"]) <= 60
    assert second.get("/api/v1/services/").status_code == 200  # counted per user


@pytest.mark.django_db
def test_call_logs_left_by_drf_throttles_do_not_break_the_counters(
    make_user: Any, client_for: Any
) -> None:
    from django.core.cache import cache

    user = make_user("agent")
    # What DRF's UserRateThrottle kept for this user before an upgrade, for up to an hour.
    cache.set(f"throttle_user_{user.pk}", [1.0, 2.0], 3600)
    assert client_for(user).get("/api/v1/services/").status_code == 200
