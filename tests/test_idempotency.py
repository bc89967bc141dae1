"""A repeated attempt is answered with the first attempt's result, also when the first
attempt's caller saw an error although its commit happened (found by the cluster test: a
synchronous standby had the commit, and the primary died before acknowledging it)."""

from collections.abc import Callable

import pytest
from django.db import OperationalError

from core.errors import InvalidInput
from core.idempotency import once

LOST = OperationalError("server closed the connection unexpectedly")


class Store:
    """The results by token, and how often a repeat looked one up."""

    def __init__(self) -> None:
        self.results: dict[str, str] = {}
        self.lookups = 0

    def find(self, token: str) -> str | None:
        self.lookups += 1
        return self.results.get(token)

    def attempt(self, token: str, create: Callable[[str], str]) -> tuple[str, bool]:
        return once(fingerprint="f", window_seconds=60, token=token, create=create, find=self.find)

    def storing(self, result: str, error: Exception | None = None) -> Callable[[str], str]:
        def create(token: str) -> str:
            self.results[token] = result
            if error is not None:
                raise error
            return result

        return create


def _failing(error: Exception) -> Callable[[str], str]:
    def create(token: str) -> str:
        raise error

    return create


def test_a_first_attempt_whose_commit_is_in_doubt_answers_the_repeat() -> None:
    store = Store()
    with pytest.raises(OperationalError):
        store.attempt("t1", store.storing("first", LOST))
    assert store.attempt("t2", store.storing("second")) == ("first", True)
    assert list(store.results) == ["t1"]


def test_a_first_attempt_lost_with_its_database_is_taken_over_by_the_repeat() -> None:
    store = Store()
    with pytest.raises(OperationalError):
        store.attempt("t1", _failing(LOST))
    assert store.attempt("t2", store.storing("second")) == ("second", False)
    # One look: the first attempt had ended, so there was nothing to wait for.
    assert store.lookups == 1
    # The repeat's own result now answers the next repeat.
    assert store.attempt("t3", store.storing("third")) == ("second", True)


def test_a_first_attempt_refused_before_committing_frees_the_claim() -> None:
    store = Store()
    with pytest.raises(InvalidInput):
        store.attempt("t1", _failing(InvalidInput({"lat": ["Not a latitude."]})))
    assert store.attempt("t2", store.storing("second")) == ("second", False)
    assert store.lookups == 0
