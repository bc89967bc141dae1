"""Auditable random sampling of interactions for QA review.

At the start of a period a random key is drawn and only its SHA-256 hash is published.
An interaction is in the random sample when HMAC-SHA256(key, interaction id) ranks among
the lowest for its agent. Nobody can predict the sample before the key is revealed; after
the period the key is revealed, and anyone can check it matches the published hash and
re-derive exactly the same sample.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodKey:
    key: str

    @classmethod
    def draw(cls) -> PeriodKey:
        return cls(secrets.token_hex(32))

    @property
    def commitment(self) -> str:
        """Publish this at the start of the period."""
        return hashlib.sha256(self.key.encode()).hexdigest()


def key_matches(key: str, commitment: str) -> bool:
    return hmac.compare_digest(hashlib.sha256(key.encode()).hexdigest(), commitment)


def rank(key: str, interaction_id: str) -> str:
    return hmac.new(key.encode(), interaction_id.encode(), hashlib.sha256).hexdigest()


def random_stratum(
    *, key: str, interactions: Iterable[tuple[str, str]], per_agent: Mapping[str, int]
) -> dict[str, list[str]]:
    """{agent: sampled interaction ids} from (agent, interaction id) pairs: each agent's
    `per_agent[agent]` interactions with the lowest keyed hash."""
    by_agent: dict[str, list[str]] = defaultdict(list)
    for agent, interaction_id in interactions:
        by_agent[agent].append(interaction_id)
    return {
        agent: sorted(ids, key=lambda i: rank(key, i))[: per_agent.get(agent, 0)]
        for agent, ids in by_agent.items()
    }


def keyed_fraction(*, key: str, interaction_id: str, fraction: float) -> bool:
    """Deterministic, auditable "take this share" for risk strata (a half, a quarter...)."""
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must be between 0 and 1")
    return int(rank(key, "risk:" + interaction_id)[:8], 16) / 0xFFFFFFFF < fraction
