"""The city's status rules, written out by hand: no Django, no database (fast enough to run
for every mutant of `intake/statuses.py`). The service that applies them is tested move by
move in tests/test_transitions.py against the same table."""

from itertools import product

from intake.statuses import (
    CLOSED_STATUSES,
    NOTE_REQUIRED,
    OPEN_STATUSES,
    TRANSITIONS,
    Status,
    can_move,
    is_closed,
    open311_status,
)

# The city's rules, written out here rather than read from the table under test: a move
# added to or dropped from `intake.statuses.TRANSITIONS` must fail this file.
# "closed_duplicate" is reached only by linking a duplicate (tested below), never by a
# plain status change, so the parametrized test leaves it out of the targets.
CITY_RULES: dict[str, set[str]] = {
    "new": {
        "acknowledged",
        "in_progress",
        "on_hold",
        "resolved",
        "closed_no_action",
        "closed_duplicate",
    },
    "acknowledged": {"in_progress", "on_hold", "resolved", "closed_no_action", "closed_duplicate"},
    "in_progress": {"on_hold", "resolved", "closed_no_action", "closed_duplicate"},
    "on_hold": {"in_progress", "resolved", "closed_no_action", "closed_duplicate"},
    # Reopening always lands in "acknowledged".
    "resolved": {"acknowledged"},
    "closed_no_action": {"acknowledged"},
    "closed_duplicate": {"acknowledged"},
}


def test_the_table_is_the_citys_rules() -> None:
    assert set(CITY_RULES) == set(Status.values)
    for from_status, to_status in product(Status.values, Status.values):
        expected = to_status in CITY_RULES[from_status]
        assert can_move(from_status, to_status) is expected, (from_status, to_status)


def test_table_covers_every_status_and_closed_states_only_reopen() -> None:
    assert set(TRANSITIONS) == set(Status.values)
    for closed in CLOSED_STATUSES:
        assert TRANSITIONS[closed] == {Status.ACKNOWLEDGED}


def test_open311_status_is_derived() -> None:
    assert {s: open311_status(s) for s in Status.values} == {
        "new": "open",
        "acknowledged": "open",
        "in_progress": "open",
        "on_hold": "open",
        "resolved": "closed",
        "closed_no_action": "closed",
        "closed_duplicate": "closed",
    }


def test_closed_and_open_statuses() -> None:
    assert set(CLOSED_STATUSES) == {"resolved", "closed_no_action", "closed_duplicate"}
    assert set(OPEN_STATUSES) == {"new", "acknowledged", "in_progress", "on_hold"}
    assert [s for s in Status.values if is_closed(s)] == [
        "resolved",
        "closed_no_action",
        "closed_duplicate",
    ]
    assert set(NOTE_REQUIRED) == {"closed_no_action"}
    assert not can_move("sleeping", "new")
    assert not can_move("new", "sleeping")


def test_statuses_have_the_citys_names() -> None:
    """Staff and residents read these labels (queues, the admin, the API's choices)."""
    assert Status.choices == [
        ("new", "New"),
        ("acknowledged", "Acknowledged"),
        ("in_progress", "In progress"),
        ("on_hold", "On hold"),
        ("resolved", "Resolved"),
        ("closed_no_action", "Closed without action"),
        ("closed_duplicate", "Closed as duplicate"),
    ]
