"""A client guessing API keys leaves nothing behind in the shared cache (production setting on)."""

from typing import Any

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings

from open311.keys import key_hash
from open311.services import api_key_find, api_key_issue, api_key_revoke

pytestmark = pytest.mark.django_db


def test_guessed_keys_are_not_remembered_and_a_real_one_is(settings: Settings) -> None:
    settings.CIVIC311_OPEN311_KEY_CACHE_SECONDS = 30
    guesses = [f"guess-{n}" for n in range(5)]
    for guess in guesses:
        assert api_key_find(guess) is None
    assert not any(cache.has_key(f"open311:api-key:{key_hash(g)}") for g in guesses)
    issued = api_key_issue(name="Riverton app")
    assert api_key_find(issued.key) is not None
    assert cache.has_key(f"open311:api-key:{key_hash(issued.key)}")


def test_with_the_cache_switched_off_nothing_is_remembered(settings: Settings) -> None:
    settings.CIVIC311_OPEN311_KEY_CACHE_SECONDS = 0
    issued = api_key_issue(name="Riverton app")
    assert api_key_find(issued.key) is not None
    assert not cache.has_key(f"open311:api-key:{key_hash(issued.key)}")


def test_a_revocation_outlives_any_copy_a_lookup_could_still_add(
    settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CIVIC311_OPEN311_KEY_CACHE_SECONDS = 3600
    issued = api_key_issue(name="Riverton app")
    with django_capture_on_commit_callbacks(execute=True):
        api_key_revoke(api_key=issued.api_key)
    # A lookup that read the row just before the commit may add a copy for up to an hour.
    assert _seconds_left(f"open311:api-key:{key_hash(issued.key)}") > 3600
    assert api_key_find(issued.key) is None


def _seconds_left(name: str) -> int:
    """How long Redis keeps a cache entry (Django's cache API cannot say)."""
    made = cache.make_and_validate_key(name)
    return int(cache._cache.get_client(made).ttl(made))  # type: ignore[attr-defined]


def test_even_a_one_second_setting_remembers_a_known_key(
    settings: Settings, django_assert_num_queries: Any
) -> None:
    settings.CIVIC311_OPEN311_KEY_CACHE_SECONDS = 1
    issued = api_key_issue(name="Riverton app")
    assert api_key_find(issued.key) is not None
    with django_assert_num_queries(0):  # asked again at once: well within the second
        assert api_key_find(issued.key) is not None
