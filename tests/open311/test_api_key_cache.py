"""API keys with the production cache setting on: remembered, yet revoked at once.

Tests run with CIVIC311_OPEN311_KEY_CACHE_SECONDS at 0 by default, which hides any window in
which a revoked key keeps working; here it is the production value.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import DjangoAssertNumQueries, Settings

from accounts.models import Role, User
from open311.models import ApiKey
from open311.services import api_key_find, api_key_issue, api_key_touch

pytestmark = pytest.mark.django_db
PRODUCTION_SECONDS = 30


@pytest.fixture(autouse=True)
def _production_key_cache(settings: Settings) -> None:
    settings.CIVIC311_OPEN311_KEY_CACHE_SECONDS = PRODUCTION_SECONDS


@pytest.fixture
def admin_client_for_keys(make_user: Callable[..., User]) -> Client:
    admin = make_user(Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    browser = Client()
    browser.force_login(admin)
    return browser


def test_a_known_key_is_remembered(api_key: str, django_assert_num_queries: Any) -> None:
    first = api_key_find(api_key)
    assert first is not None
    with django_assert_num_queries(0):
        again = api_key_find(api_key)
    assert again is not None
    assert again.pk == first.pk


def test_revoking_in_the_admin_takes_effect_at_once(
    post: Callable[..., Any],
    catalogue: dict[str, Any],
    admin_client_for_keys: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert post().status_code == 200  # the key is now remembered
    key = ApiKey.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_for_keys.post(
            "/admin/open311/apikey/", {"action": "revoke", "_selected_action": [key.pk]}
        )
    assert response.status_code == 302
    key.refresh_from_db()
    assert not key.is_active
    refused = post(description="Another pothole")
    assert refused.status_code == 403
    assert refused.json()[0]["code"] == 403


def test_deleting_a_key_in_the_admin_takes_effect_at_once(
    api_key: str, admin_client_for_keys: Client, django_capture_on_commit_callbacks: Any
) -> None:
    key = api_key_find(api_key)
    assert key is not None
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_for_keys.post(f"/admin/open311/apikey/{key.pk}/delete/", {"post": "yes"})
    assert not ApiKey.objects.exists()
    assert api_key_find(api_key) is None


def test_a_lookup_that_read_the_row_before_the_revocation_cannot_bring_the_key_back(
    api_key: str, django_capture_on_commit_callbacks: Any
) -> None:
    from open311.services import api_key_revoke

    key = ApiKey.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        api_key_revoke(api_key=key)
    # A process that read the row as active just before the commit now offers its copy.
    from django.core.cache import cache

    key.is_active = True
    assert not cache.add(f"open311:api-key:{key.key_hash}", key, timeout=PRODUCTION_SECONDS)
    assert api_key_find(api_key) is None


def test_a_new_key_works_at_once_and_unknown_keys_are_not_remembered(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    assert api_key_find("not-a-key") is None
    with django_assert_num_queries(1):  # asked again: an unknown key is not cached
        assert api_key_find("not-a-key") is None
    issued = api_key_issue(name="New client")
    assert api_key_find(issued.key) is not None


def test_noting_a_keys_use_does_not_cost_a_write_on_every_call(
    api_key: str, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    key = api_key_find(api_key)
    assert key is not None
    api_key_touch(api_key=key)  # first use: written, and the remembered copy dropped
    with django_assert_num_queries(1):  # read once more, with the time of use
        assert api_key_find(api_key) is not None
    for _ in range(3):
        with django_assert_num_queries(0):
            again = api_key_find(api_key)
            assert again is not None
            api_key_touch(api_key=again)
