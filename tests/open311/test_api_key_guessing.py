"""A client guessing API keys leaves nothing behind in the shared cache (production setting on)."""

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings

from open311.keys import key_hash
from open311.services import api_key_find, api_key_issue

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
