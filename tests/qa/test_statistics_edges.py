"""QA statistics at their edges: one review, none passed, all passed, tiny teams, bad input.

The textbook values are in test_statistics.py; these are the cases a scorecard meets on a
quiet week (an agent with one review, a period with no calls) and the input it must refuse.
"""

import dataclasses

import pytest

from qa.statistics import (
    Shrunk,
    cohens_kappa,
    krippendorff_alpha,
    p_chart_limits,
    raw_agreement,
    sample_size,
    shrink_rates,
    wilson_interval,
)


def test_one_passed_review_is_rated_with_its_wide_interval() -> None:
    interval = wilson_interval(1, 1)
    assert interval is not None
    assert interval.estimate == 1.0
    assert interval.high == pytest.approx(1.0)
    assert interval.low == pytest.approx(0.2065, abs=1e-4)


def test_none_passed_and_all_passed_are_rates_not_errors() -> None:
    none_passed = wilson_interval(0, 10)
    all_passed = wilson_interval(10, 10)
    assert none_passed is not None
    assert all_passed is not None
    assert none_passed.estimate == 0.0
    assert none_passed.low == pytest.approx(0.0)
    assert none_passed.high == pytest.approx(0.2775, abs=1e-4)
    assert all_passed.estimate == 1.0
    assert all_passed.high == pytest.approx(1.0)
    assert all_passed.low == pytest.approx(0.7225, abs=1e-4)


def test_a_narrower_confidence_gives_a_narrower_interval() -> None:
    wide = wilson_interval(8, 10)
    narrow = wilson_interval(8, 10, confidence=0.80)
    assert wide is not None
    assert narrow is not None
    assert wide.low < narrow.low < 0.8 < narrow.high < wide.high


@pytest.mark.parametrize(("successes", "trials"), [(-1, 10), (11, 10)])
def test_impossible_counts_are_refused(successes: int, trials: int) -> None:
    with pytest.raises(ValueError, match=r"^successes must be between 0 and trials$"):
        wilson_interval(successes, trials)


def test_reported_figures_cannot_be_altered_after_the_fact() -> None:
    interval = wilson_interval(8, 10)
    limits = p_chart_limits(80, 100, 25)
    shrunk = shrink_rates({"lee": (4, 5)})["lee"]
    for figure in (interval, limits, shrunk):
        with pytest.raises(dataclasses.FrozenInstanceError):
            figure.low = 0.0  # type: ignore[misc, union-attr]


# n = n0 / (1 + (n0 - 1) / N), n0 = 1.96² x 0.25 / 0.05² = 384.15: 19.06 for N = 20, 19.96
# for 21, 20.86 for 22 (rounded up).
@pytest.mark.parametrize(
    ("population", "needed"), [(0, 0), (1, 1), (2, 2), (-3, 0), (20, 20), (21, 20), (22, 21)]
)
def test_a_tiny_population_is_reviewed_whole(population: int, needed: int) -> None:
    assert sample_size(margin=0.05, population=population) == needed


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"margin": 1}, "^margin must be between 0 and 1$"),
        ({"margin": 1.5}, "^margin must be between 0 and 1$"),
        ({"margin": -0.1}, "^margin must be between 0 and 1$"),
        ({"margin": 0.05, "p": 0}, "^p must be between 0 and 1$"),
        ({"margin": 0.05, "p": 1}, "^p must be between 0 and 1$"),
        ({"margin": 0.05, "p": 1.5}, "^p must be between 0 and 1$"),
    ],
)
def test_a_sample_size_question_that_makes_no_sense_is_refused(
    arguments: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        sample_size(**arguments)  # type: ignore[arg-type]


def test_an_expected_pass_rate_far_from_a_half_needs_fewer_reviews() -> None:
    # 1.96² x 0.9 x 0.1 / 0.05² = 138.3
    assert sample_size(margin=0.05, p=0.9) == 139
    assert sample_size(margin=0.05, p=0.1) == 139


def test_one_review_agrees_with_itself_only_when_it_was_rated_the_same() -> None:
    assert cohens_kappa(["yes", "yes", "yes"], ["yes", "yes", "no"]) < 1.0
    assert cohens_kappa(["yes", "no"], ["yes", "no"]) == 1.0


@pytest.mark.parametrize(("first", "second"), [(["yes", "no"], ["yes"]), ([], [])])
def test_kappa_needs_two_equally_long_rating_lists(first: list[str], second: list[str]) -> None:
    with pytest.raises(ValueError, match=r"^two equally long, non-empty rating lists are needed$"):
        cohens_kappa(first, second)


def test_alpha_needs_an_item_two_reviewers_rated() -> None:
    each_once = {("lee", "call-1"): "met", ("sam", "call-2"): "met", ("ana", "call-3"): "no"}
    with pytest.raises(ValueError, match=r"^alpha needs at least one item rated by two reviewers$"):
        krippendorff_alpha({**each_once, ("ana", "call-4"): None})


def test_agreement_over_no_items_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^no items$"):
        raw_agreement([])


def test_shrinkage_is_the_method_of_moments_beta_prior() -> None:
    # Pass rates 0.8, 0.2 and 1.0 over 10, 10 and 1 reviews. Team rate m = 11/21; weighted
    # variance of the rates 0.09705; binomial variance at the mean number of reviews (7)
    # m(1-m)/7 = 0.03563; between agents 0.06142; prior strength m(1-m)/0.06142 - 1 = 3.0612
    # pseudo-reviews, so each agent's rate is (passes + 3.0612 m) / (reviews + 3.0612).
    shrunk = shrink_rates({"lee": (8, 10), "sam": (2, 10), "new": (1, 1)})
    found = {name: (s.raw, s.reviews) for name, s in shrunk.items()}
    assert found == {"lee": (0.8, 10), "sam": (0.2, 10), "new": (1.0, 1)}
    rates = [shrunk[name].shrunk for name in ("lee", "sam", "new")]
    assert rates == pytest.approx([0.73527, 0.27589, 0.64106], abs=1e-5)


def test_a_team_split_in_two_keeps_each_agent_near_their_own_rate() -> None:
    # m = 0.5, variance 0.25, binomial 0.025: a prior of only 0.111 pseudo-reviews.
    shrunk = shrink_rates({"lee": (10, 10), "sam": (0, 10)})
    assert shrunk["lee"].shrunk == pytest.approx(0.99451, abs=1e-5)
    assert shrunk["sam"].shrunk == pytest.approx(0.00549, abs=1e-5)


def test_an_agent_not_yet_reviewed_is_shown_the_team_rate() -> None:
    everyone_passed = shrink_rates({"lee": (5, 5), "new": (0, 0)})
    assert everyone_passed["new"] == Shrunk(raw=None, shrunk=1.0, reviews=0)
    assert everyone_passed["lee"] == Shrunk(raw=1.0, shrunk=1.0, reviews=5)
    mixed = shrink_rates({"lee": (8, 10), "sam": (2, 10), "new": (0, 0)})
    assert (mixed["new"].raw, mixed["new"].reviews) == (None, 0)
    assert mixed["new"].shrunk == pytest.approx(0.5)


def test_with_no_reviews_at_all_nobody_has_a_rate() -> None:
    assert shrink_rates({"lee": (0, 0), "sam": (0, 0)}) == {
        "lee": Shrunk(None, 0.0, 0),
        "sam": Shrunk(None, 0.0, 0),
    }


@pytest.mark.parametrize(
    ("passes", "reviews", "subgroup", "limits"),
    [
        (50, 100, 100, (0.5, 0.35, 0.65)),  # sigma = sqrt(0.25 / 100) = 0.05
        (5, 100, 10, (0.05, 0.0, 0.25676)),  # sigma = 0.06892; the lower limit stops at 0
        (50, 100, 1, (0.5, 0.0, 1.0)),
        (1, 1, 10, (1.0, 1.0, 1.0)),
    ],
)
def test_p_chart_limits_are_three_sigma_around_the_long_run_rate(
    passes: int, reviews: int, subgroup: int, limits: tuple[float, float, float]
) -> None:
    found = p_chart_limits(passes, reviews, subgroup)
    assert (found.centre, found.lower, found.upper) == pytest.approx(limits, abs=1e-5)


@pytest.mark.parametrize(("reviews", "subgroup"), [(0, 10), (100, 0), (0, 0), (-1, 10)])
def test_p_chart_needs_reviews_and_a_subgroup(reviews: int, subgroup: int) -> None:
    with pytest.raises(ValueError, match=r"^reviews and subgroup size must be positive$"):
        p_chart_limits(0, reviews, subgroup)
