"""QA statistics against published values."""

import pytest

from qa.sampling import PeriodKey, key_matches, keyed_fraction, random_stratum
from qa.statistics import (
    cohens_kappa,
    fleiss,
    krippendorff_alpha,
    p_chart_limits,
    raw_agreement,
    sample_size,
    shrink_rates,
    wilson_interval,
)


def test_wilson_interval_matches_the_textbook() -> None:
    interval = wilson_interval(8, 10)
    assert interval is not None
    assert interval.estimate == 0.8
    assert interval.low == pytest.approx(0.4902, abs=1e-4)
    assert interval.high == pytest.approx(0.9433, abs=1e-4)
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError, match="between 0 and trials"):
        wilson_interval(11, 10)


def test_sample_size_with_finite_population_correction() -> None:
    assert sample_size(margin=0.05) == 385  # 1.96² x 0.25 / 0.05² = 384.2
    assert sample_size(margin=0.05, population=1000) == 278
    assert sample_size(margin=0.05, population=40) == 37
    assert sample_size(margin=0.10, confidence=0.90) == 68
    with pytest.raises(ValueError, match="margin"):
        sample_size(margin=0)


def test_cohens_kappa_wikipedia_example() -> None:
    # 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> kappa 0.4
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohens_kappa(first, second) == pytest.approx(0.4)
    assert cohens_kappa(["met"] * 5, ["met"] * 5) == 1.0


FLEISS_COUNTS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_wikipedia_example() -> None:
    ratings = [
        [category for category, count in enumerate(row, start=1) for _ in range(count)]
        for row in FLEISS_COUNTS
    ]
    assert fleiss(ratings) == pytest.approx(0.210, abs=1e-3)


def test_krippendorff_alpha_with_missing_ratings() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal example.
    table = {
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    }
    ratings = {
        (coder, f"unit-{n}"): value
        for coder, values in table.items()
        for n, value in enumerate(values, start=1)
    }
    assert krippendorff_alpha(ratings) == pytest.approx(0.743, abs=1e-3)


def test_raw_agreement() -> None:
    assert raw_agreement([["met", "met"], ["met", "partly"], ["no", "no"], ["a", "a"]]) == 0.75


def test_shrinkage_keeps_two_reviews_from_topping_the_ranking() -> None:
    shrunk = shrink_rates(
        {"new": (2, 2), "steady": (45, 50), "struggling": (30, 50), "average": (40, 50)}
    )
    assert shrunk["new"].raw == 1.0
    assert shrunk["new"].shrunk < shrunk["steady"].shrunk
    group_rate = (2 + 45 + 30 + 40) / (2 + 50 + 50 + 50)
    # Pulled towards the group, never past it, less the more reviews an agent has.
    assert 0.6 < shrunk["struggling"].shrunk < group_rate
    assert group_rate < shrunk["steady"].shrunk < 0.9
    assert abs(shrunk["new"].shrunk - group_rate) < abs(shrunk["steady"].shrunk - group_rate)


def test_p_chart_limits() -> None:
    limits = p_chart_limits(80, 100, 25)
    assert limits.centre == 0.8
    assert limits.lower == pytest.approx(0.56)
    assert limits.upper == 1.0


def test_sample_is_rederived_from_the_revealed_key() -> None:
    period = PeriodKey.draw()
    published = period.commitment  # known to everyone before the period starts
    interactions = [(f"agent-{a}", f"call-{a}-{n}") for a in range(3) for n in range(40)]
    sample = random_stratum(key=period.key, interactions=interactions, per_agent={"agent-0": 10})
    assert len(sample["agent-0"]) == 10
    assert sample["agent-1"] == []
    # After the period: the key is revealed, anyone checks it and re-derives the sample.
    assert key_matches(period.key, published)
    assert not key_matches(PeriodKey.draw().key, published)
    again = random_stratum(
        key=period.key, interactions=reversed(interactions), per_agent={"agent-0": 10}
    )
    assert again["agent-0"] == sample["agent-0"]
    other = random_stratum(
        key=PeriodKey.draw().key, interactions=interactions, per_agent={"agent-0": 10}
    )
    assert other["agent-0"] != sample["agent-0"]


def test_keyed_fraction_takes_about_the_share_asked() -> None:
    key = PeriodKey.draw().key
    taken = sum(keyed_fraction(key=key, interaction_id=str(n), fraction=0.25) for n in range(4000))
    assert 850 < taken < 1150
