"""The politeness strategies of Danescu-Niculescu-Mizil et al. (ACL 2013), each on the paper's
own example, and the stored model that scores them."""

import json
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import Role, User
from qa.politeness import (
    MODEL_PATH,
    NEGATIVE,
    POSITIVE,
    STRATEGIES,
    default_model,
    features,
    politeness,
    strategies,
)
from qa.politeness_training import C_GRID, Labelled, fit
from qa.screener import CURT_HINT, screen

# The paper's examples of each strategy (its Table 3).
PAPER_EXAMPLES = {
    "gratitude": "I really appreciate that you've done them.",
    "deference": "Nice work so far on your rewrite.",
    "greeting": "Hey, I just tried to fix the table.",
    "positive_lexicon": "Wow! This is a great way to deal with it.",
    "negative_lexicon": "If you're going to accuse me of vandalism, say so.",
    "apologizing": "Sorry to bother you, but where is the file?",
    "please": "Could you please say more about the change?",
    "please_start": "Please do not remove warnings from the page.",
    "indirect_btw": "By the way, where did you find that picture?",
    "direct_question": "What is your native language?",
    "direct_start": "So can you retrieve it or not?",
    "counterfactual_modal": "Could you look at the second paragraph?",
    "indicative_modal": "Can you look at the second paragraph?",
    "first_person_start": "I have just put the article up for review.",
    "first_person_plural": "Could we find a less complex name for it?",
    "first_person": "It is my view that the section is too long.",
    "second_person": "But what's the good source you have in mind?",
    "second_person_start": "You've reverted yourself twice today.",
    "hedges": "I suggest we start with the history section.",
    "factuality": "In fact you did link to it, twice.",
}


def test_every_strategy_has_an_example() -> None:
    assert set(PAPER_EXAMPLES) == set(STRATEGIES)


@pytest.mark.parametrize(("strategy", "text"), sorted(PAPER_EXAMPLES.items()))
def test_each_strategy_is_found_in_the_papers_example(strategy: str, text: str) -> None:
    assert strategy in strategies(text)


@pytest.mark.parametrize(
    ("strategy", "text"),
    [
        ("please", "Please do not remove warnings from the page."),  # at the start: please_start
        ("please_start", "Could you please say more about the change?"),
        ("first_person", "I have just put the article up for review."),  # only at the start
        ("second_person", "You have reverted it twice today."),
        ("indicative_modal", "Could you look at the second paragraph?"),
        ("counterfactual_modal", "Can you look at the second paragraph?"),
        ("direct_question", "Where the road narrows, the crew will add a sign."),
        ("direct_question", "Where is the file?"),  # the paper's are what, why, who, how
        ("counterfactual_modal", "I could fix it if you would like."),
        ("indicative_modal", "We can look at it and you will hear back."),
        ("gratitude", "The crew will come on Thursday."),
    ],
)
def test_a_strategy_is_not_found_where_it_is_absent(strategy: str, text: str) -> None:
    assert strategy not in strategies(text)


@pytest.mark.parametrize(
    ("strategy", "text"),
    [
        ("please_start", "@maria Please do not remove warnings from the page."),  # after a handle
        ("please_start", "Thanks for the map. Please check the second corner."),  # any sentence
        ("direct_question", "So why did you revert it?"),  # among the first two words
        ("direct_question", "But what's the good source you have in mind?"),  # clitic cut
        ("indirect_btw", "Thanks. By the way, where did you find that picture?"),
        ("gratitude", "Much appreciated, the crew found it."),
        ("apologizing", "Excuse me, where is the file?"),
        ("factuality", "It actually works on my machine."),
        ("first_person_plural", "Can't we find a shorter name?"),
        ("hedges", "It is sort of hard to read."),
        ("negative_lexicon", "This is a stupid way to do it."),
        ("second_person_start", "Your answer helped."),
    ],
)
def test_a_strategy_is_found_where_the_paper_places_it(strategy: str, text: str) -> None:
    assert strategy in strategies(text)


@pytest.mark.parametrize(
    ("strategy", "text"),
    [
        ("indirect_btw", "The crew went by the way you described."),  # only at a start
        ("direct_question", "I wonder whether it is clear what you mean."),  # not in the first two
        ("deference", "The work is good and nice."),  # only as the opener
        ("greeting", "They said hi to the crew."),
        ("please_start", "Could you please say more?"),
    ],
)
def test_a_start_strategy_is_not_found_inside_a_sentence(strategy: str, text: str) -> None:
    assert strategy not in strategies(text)


def test_features_mark_the_sentence_a_strategy_is_in() -> None:
    """A request is a sentence of context and then the question: "please" in the question
    is a feature of its own."""
    found = features("I looked at the log. Could you please send the file?")
    assert {"s:please", "s:please@last", "s:counterfactual_modal@last", "n:2"} <= found
    assert {"s:first_person_start@first"} <= found
    assert "s:please@first" not in found
    one = features("Please send the file.")
    assert {"s:please_start", "s:please_start@first", "n:1"} <= one
    assert not any(f.endswith("@last") for f in one)  # one sentence has no "last" of its own


def test_positive_and_negative_words_come_from_vaders_lexicon() -> None:
    assert {"nice", "great", "helpful"} <= POSITIVE
    assert {"accuse", "stupid", "wrong"} <= NEGATIVE
    assert not POSITIVE & NEGATIVE


def test_the_model_ranks_polite_requests_above_curt_ones() -> None:
    polite = "Thank you for letting us know. Could you please tell me where the pothole is?"
    curt = "What is your problem? Just tell me the address."
    assert politeness(polite) > 0.5 > 0.4 > politeness(curt)
    assert politeness("   ") == 0.5


def test_the_stored_model_is_json_numbers_with_a_version() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert {"version", "vocabulary", "coefficients", "intercept"} <= set(data)
    assert len(data["vocabulary"]) == len(data["coefficients"])
    assert all(isinstance(c, float | int) for c in data["coefficients"])
    assert {f"s:{name}" for name in STRATEGIES} <= set(data["vocabulary"])
    assert default_model().version == data["version"]


def test_features_are_strategies_words_and_bigrams_with_sentence_edges() -> None:
    found = features("Thanks! Could you look?")
    assert {"s:gratitude", "s:counterfactual_modal", "w:thanks", "w:could"} <= found
    assert {"b:<s> thanks", "b:! </s>", "b:<s> could", "b:could you", "b:? </s>"} <= found
    assert {"s:gratitude@first", "s:counterfactual_modal@last"} <= found
    assert "b:! could" not in found  # bigrams stay inside a sentence


def test_the_stored_model_records_the_regularisation_chosen_inside_training() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["regularisation_c"] in C_GRID
    assert data["regularisation_c_grid"] == list(C_GRID)


def test_training_is_reproducible() -> None:
    items = [
        Labelled("Thanks, could you please check it?", 1),
        Labelled("Would you mind looking again? Thank you!", 1),
        Labelled("Sorry to bother you, could you help?", 1),
        Labelled("What is wrong with you? Fix it.", 0),
        Labelled("Why did you break it? Fix it now.", 0),
        Labelled("This is wrong. Fix it.", 0),
    ]
    first, second = fit(items), fit(items)
    assert first.weights == second.weights
    assert first.regularisation_c in C_GRID
    assert first.probability("Thanks, could you please look?") > 0.5
    assert first.probability("Why? Fix it now.") < 0.5


def test_politeness_never_blocks_but_a_curt_note_gets_a_hint() -> None:
    curt = screen("What is your problem? Just tell me the address.")
    assert curt.flags == []
    assert not curt.blocked
    assert curt.hint == CURT_HINT
    assert curt.score < curt.rules_score == 1.0
    polite = screen("Thank you for your patience; the crew will be there on Thursday.")
    assert polite.hint is None
    assert polite.score == 1.0


def test_a_group_remark_still_blocks_however_politely_it_is_put() -> None:
    result = screen("Thank you so much, but those immigrants are ruining the park, please.")
    assert result.blocked
    assert result.score == 0.0


@pytest.mark.django_db
def test_writers_can_check_a_text_before_sending_it(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(make_user(Role.DEPARTMENT_STAFF))
    body = client.post(
        "/api/v1/qa/screen/", {"text": "What is your problem? Just tell me the address."}
    ).json()
    assert body["hint"] == CURT_HINT
    assert body["blocked"] is False
    assert 0 <= body["politeness"] < 0.4
    assert client.post("/api/v1/qa/screen/", {"kind": "poem"}).status_code == 400
