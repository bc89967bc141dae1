"""QA's random sample as an auditor checks it: with the revealed key and the published rule only.

The rule (qa/sampling.py): the key's SHA-256 is published first; an interaction is in an
agent's random sample when HMAC-SHA256(key, interaction id) ranks among that agent's lowest.
"""

import dataclasses
import hashlib
import hmac

import pytest

from qa.sampling import PeriodKey, key_matches, keyed_fraction, random_stratum

CALLS = [(agent, f"{agent}-call-{n}") for agent in ("lee", "sam", "ana") for n in range(25)]


def _audited(key: str, agent: str, size: int) -> list[str]:
    """What an auditor derives with hashlib and hmac alone."""
    ids = [call for who, call in CALLS if who == agent]
    return sorted(ids, key=lambda i: hmac.new(key.encode(), i.encode(), "sha256").hexdigest())[
        :size
    ]


def test_the_period_key_is_256_random_bits_and_its_published_hash_is_plain_sha256() -> None:
    first, second = PeriodKey.draw(), PeriodKey.draw()
    assert len(first.key) == 64
    assert int(first.key, 16) >= 0  # hexadecimal
    assert first.key != second.key
    assert first.commitment == hashlib.sha256(first.key.encode()).hexdigest()
    assert key_matches(first.key, first.commitment)
    assert not key_matches(second.key, first.commitment)
    assert not key_matches(first.key, "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.key = second.key  # type: ignore[misc]


def test_an_auditor_rederives_each_agents_sample_from_the_key_alone() -> None:
    key = PeriodKey.draw().key
    sample = random_stratum(key=key, interactions=CALLS, per_agent={"lee": 5, "sam": 3})
    assert sample == {"lee": _audited(key, "lee", 5), "sam": _audited(key, "sam", 3), "ana": []}


def test_an_agent_with_fewer_interactions_than_asked_has_all_of_them_reviewed() -> None:
    key = PeriodKey.draw().key
    sample = random_stratum(key=key, interactions=CALLS, per_agent={"ana": 40, "lee": 0})
    assert sorted(sample["ana"]) == sorted(call for who, call in CALLS if who == "ana")
    assert sample["lee"] == []


def test_a_share_of_nothing_takes_nothing_and_a_share_of_everything_takes_all() -> None:
    key = PeriodKey.draw().key
    assert not any(keyed_fraction(key=key, interaction_id=c, fraction=0) for _, c in CALLS)
    assert all(keyed_fraction(key=key, interaction_id=c, fraction=1) for _, c in CALLS)


@pytest.mark.parametrize("fraction", [-0.01, 1.01, 2])
def test_a_share_outside_zero_to_one_is_refused(fraction: float) -> None:
    with pytest.raises(ValueError, match=r"^fraction must be between 0 and 1$"):
        keyed_fraction(key="k", interaction_id="call-1", fraction=fraction)


def test_an_auditor_rederives_the_risk_share_from_the_key_alone() -> None:
    # Taken when the first 32 bits of HMAC-SHA256(key, "risk:" + id), over 2^32 - 1, are
    # below the share: a draw of its own, unrelated to the random stratum's ranking.
    key = PeriodKey.draw().key
    for _, call in CALLS:
        digest = hmac.new(key.encode(), f"risk:{call}".encode(), "sha256").hexdigest()
        audited = int(digest[:8], 16) / (2**32 - 1) < 0.3
        assert keyed_fraction(key=key, interaction_id=call, fraction=0.3) == audited


def test_a_quarter_is_inside_the_half_and_the_same_key_always_answers_the_same() -> None:
    key = PeriodKey.draw().key
    quarter = {c for _, c in CALLS if keyed_fraction(key=key, interaction_id=c, fraction=0.25)}
    half = {c for _, c in CALLS if keyed_fraction(key=key, interaction_id=c, fraction=0.5)}
    assert quarter <= half
    assert quarter == {
        c for _, c in CALLS if keyed_fraction(key=key, interaction_id=c, fraction=0.25)
    }
