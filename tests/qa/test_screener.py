import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from frontend.staff.script import reworded
from qa.screener import screen
from qa.screener_quality import evaluate, load_labelled
from qa.screener_rules import default_rules, slur_digest

FIXTURES = Path(__file__).with_name("courtesy_fixtures.txt")


def test_fixture_set_is_large_and_mixed() -> None:
    items = load_labelled(FIXTURES)
    assert len(items) >= 300
    courteous = [i for i in items if not i.labels]
    assert len(courteous) >= 150
    assert sum("C4" in i.labels for i in items) >= 80
    assert sum("C5" in i.labels for i in items) >= 40


def test_screener_meets_its_targets_on_the_fixture_set() -> None:
    quality = {q.c_id: q for q in evaluate(load_labelled(FIXTURES), c_ids=["C4", "C5", "C6"])}
    assert quality["C5"].recall >= 0.95
    assert quality["C5"].precision >= 0.9
    assert quality["C4"].precision >= 0.9
    assert quality["C4"].recall >= 0.85


@pytest.mark.parametrize(
    "text",
    [
        "No problem at all, I'll send a crew tomorrow.",
        "I can't wait to get this fixed for you.",
        "It's not your fault; the route sheet had the wrong address.",
        "Things should calm down once the construction ends.",
        "The raccoon in the trash can was removed by Animal Services.",
        'The crew painted over the tag that said "immigrants go back" on the underpass.',
    ],
)
def test_friendly_idioms_and_reports_of_graffiti_are_not_flagged(text: str) -> None:
    assert screen(text).flags == []
    assert screen(text).rules_score == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "It can't hurt to send a photo as well; it helps the crew find it.",
        "That can't go wrong if the crew has the reference.",
        "This cannot harm the tree roots.",
    ],
)
def test_an_impersonal_cant_of_something_bad_is_reassurance_not_refusal(text: str) -> None:
    assert screen(text).flags == []


@pytest.mark.parametrize(
    "text",
    [
        "That can't happen until next month.",  # nothing bad is being ruled out
        "We can't cancel it.",  # a person refuses, whatever the verb
        "I can't stop the noise.",
        "It can't be done.",
    ],
)
def test_a_cant_that_refuses_is_still_flagged(text: str) -> None:
    assert [f.rule for f in screen(text).flags] == ["c4-cant"]


def test_a_flag_says_which_standard_where_why_and_what_to_say_instead() -> None:
    text = "Thanks for waiting. That's not my department."
    result = screen(text)
    (flag,) = result.flags
    assert flag.c_id == "C4"
    assert text[flag.start : flag.end] == "not my department"
    assert flag.severity == "high"
    assert flag.explanation
    assert flag.suggestion
    assert result.rules_version == default_rules().version
    assert 0 < result.score < 1
    assert not result.blocked


def test_group_remarks_and_slurs_block_sending_and_score_zero() -> None:
    assert screen("Those immigrants always dump their trash here.").blocked
    # Slurs are matched by digest, through plurals, capitals and look-alike characters.
    word = "r" + "etard"
    for variant in (word, word.upper() + "S", "r3t@rd"):
        result = screen(f"The caller was a {variant}.")
        assert result.blocked
        assert result.score == 0.0
        assert result.flags[0].c_id == "C5"
    assert slur_digest(word) in default_rules().slur_digests


def test_call_notes_are_checked_for_a_greeting_and_a_recap() -> None:
    bare = screen("Caller reported a pothole on Main.", kind="call_notes")
    assert {f.c_id for f in bare.flags} == {"C1", "C11"}
    full = screen(
        "Thank you for calling Riverton 3-1-1. Recap: reference number 2026-00012, crew by Friday.",
        kind="call_notes",
    )
    assert full.flags == []
    # Public notes are not calls: no greeting is expected.
    assert screen("Caller reported a pothole on Main.").flags == []


def test_command_reads_lines_and_writes_json_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Calm down.\n\nThank you for calling.\n"))
    out = io.StringIO()
    call_command("courtesy_screen", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 2
    assert rows[0]["flags"][0]["c_id"] == "C4"
    assert rows[0]["score"] < 1
    assert rows[1] == {
        "rules_version": default_rules().version,
        "score": 1.0,
        "rules_score": 1.0,
        "politeness": rows[1]["politeness"],
        "hint": None,
        "blocked": False,
        "flags": [],
    }
    assert rows[1]["politeness"] > 0.5
    assert all(0 <= row["politeness"] <= 1 for row in rows)


@pytest.mark.parametrize(
    "text",
    [
        "People like them have no place on this block.",  # a group pointed at, excluded
        "Keep those migrants away from the playground.",
        "Gay men shouldn't be allowed near the youth centre.",  # identity word + people noun
        "Homeless folks are a cancer on downtown.",  # dehumanising shape
        "Every Mexican on that street is a drug dealer.",
    ],
)
def test_group_remarks_are_found_by_their_shape_not_a_word_list(text: str) -> None:
    result = screen(text)
    assert result.blocked
    assert {f.rule for f in result.flags} == {"c5-group-pejorative"}


@pytest.mark.parametrize(
    "text",
    [
        "Kick-off for the Muslim youth league is on Saturday; please cone off the car park.",
        "Deaf residents are able to text 3-1-1 directly.",
        "Send the foreign-language notices back to the printer for the Spanish corrections.",
        'The crew removed graffiti that read "keep immigrants out" from the underpass.',
    ],
)
def test_the_same_words_in_ordinary_sentences_are_not_group_remarks(text: str) -> None:
    assert "C5" not in screen(text).c_ids


def test_no_suggested_rewording_is_flagged_itself() -> None:
    """What a flag suggests saying instead must pass the screener it came from."""
    quoted = re.compile(r'"([^"]+)"')
    suggestions = {
        rule.id: found.group(1)
        for rule in default_rules().phrases
        if (found := quoted.search(rule.suggestion)) is not None
    }
    assert len(suggestions) >= 5  # most rules quote what to say instead
    for rule_id, words in suggestions.items():
        assert screen(words).flags == [], rule_id


def test_using_the_rewording_of_calm_down_leaves_nothing_to_advise() -> None:
    """The console's "use the rewording" must not trade a flag for a "reads as curt" hint
    (it did: the acknowledgement alone scored 0.357)."""
    note = "Calm down. We will fill the pothole this week."
    (flag,) = screen(note).flags
    rewritten = reworded(note, flag)
    assert rewritten is not None
    assert "calm down" not in rewritten.lower()
    after = screen(rewritten)
    assert after.flags == []
    assert after.hint is None
