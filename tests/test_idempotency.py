"""A repeated attempt is answered with the first attempt's result, also when the first
attempt's caller saw an error although its commit happened (found by the cluster test: a
synchronous standby had the commit, and the primary died before acknowledging it)."""

from collections.abc import Callable

import pytest
from django.db import OperationalError

from core import idempotency
from core.errors import InvalidInput
from core.idempotency import once

LOST = OperationalError("server closed the connection unexpectedly")


def _attempt(stored: dict[str, str], token: str, create: Callable[[str], str]) -> tuple[str, bool]:
    return once(fingerprint="f", window_seconds=60, token=token, create=create, find=stored.get)


def _storing(
    stored: dict[str, str], result: str, error: Exception | None = None
) -> Callable[[str], str]:
    def create(token: str) -> str:
        stored[token] = result
        if error is not None:
            raise error
        return result

    return create


def _failing(error: Exception) -> Callable[[str], str]:
    def create(token: str) -> str:
        raise error

    return create


def test_a_first_attempt_whose_commit_is_in_doubt_answers_the_repeat() -> None:
    stored: dict[str, str] = {}
    with pytest.raises(OperationalError):
        _attempt(stored, "t1", _storing(stored, "first", LOST))
    assert _attempt(stored, "t2", _storing(stored, "second")) == ("first", True)
    assert list(stored) == ["t1"]


def test_a_first_attempt_lost_with_its_database_is_taken_over_by_the_repeat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
    stored: dict[str, str] = {}
    with pytest.raises(OperationalError):
        _attempt(stored, "t1", _failing(LOST))
    assert _attempt(stored, "t2", _storing(stored, "second")) == ("second", False)
    # The repeat's own result now answers the next repeat.
    assert _attempt(stored, "t3", _storing(stored, "third")) == ("second", True)


def test_a_first_attempt_refused_before_committing_frees_the_claim(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 30.0)  # taken at once, or this test hangs
    stored: dict[str, str] = {}
    with pytest.raises(InvalidInput):
        _attempt(stored, "t1", _failing(InvalidInput({"lat": ["Not a latitude."]})))
    assert _attempt(stored, "t2", _storing(stored, "second")) == ("second", False)
