"""The edges of a working calendar that promised dates rest on (C7): the stored names of
target units, the exact ends of the working day, and a calendar that cannot change once
routing holds it. Plain Python, no database."""

import dataclasses
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from routing.calendar import TargetUnit, WorkingCalendar

CHICAGO = ZoneInfo("America/Chicago")
THANKSGIVING = date(2026, 11, 26)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar(timezone=CHICAGO, holidays=frozenset({THANKSGIVING}))


def test_target_units_are_stored_by_these_names() -> None:
    """Services store the unit as text: renaming one would orphan every stored target."""
    assert TargetUnit("working_days") is TargetUnit.WORKING_DAYS
    assert TargetUnit("working_hours") is TargetUnit.WORKING_HOURS
    assert [u.value for u in TargetUnit] == ["working_days", "working_hours"]


def test_add_picks_the_unit(calendar: WorkingCalendar) -> None:
    assert calendar.add(at(23, 10), 2, TargetUnit.WORKING_DAYS) == at(25, 17)
    assert calendar.add(at(23, 10), 2, TargetUnit.WORKING_HOURS) == at(23, 12)
    assert calendar.add(at(23, 10), 2.5, TargetUnit.WORKING_HOURS) == at(23, 12, 30)


def test_a_calendar_cannot_be_changed_once_made(calendar: WorkingCalendar) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        calendar.holidays = frozenset()  # type: ignore[misc]
    assert not hasattr(calendar, "__dict__")  # slots: one per department, held in memory


def test_the_defaults_are_the_citys_office_hours() -> None:
    plain = WorkingCalendar(timezone=CHICAGO)
    assert plain.working_days == frozenset({0, 1, 2, 3, 4})
    assert (plain.day_starts_at, plain.day_ends_at) == (time(8, 0), time(17, 0))
    assert plain.holidays == frozenset()


def test_the_exact_edges_of_the_working_day(calendar: WorkingCalendar) -> None:
    # Received at the stroke of closing: the next working day.
    assert calendar.add_working_days(at(23, 17), 0) == at(24, 17)
    assert calendar.add_working_hours(at(23, 17), 1) == at(24, 9)
    assert calendar.add_working_hours(at(23, 17), 0) == at(24, 8)  # received next morning
    # A minute before closing: still today.
    assert calendar.add_working_days(at(23, 16, 59), 0) == at(23, 17)
    assert calendar.add_working_hours(at(23, 16, 59), 1) == at(24, 8, 59)
    # At opening, and exactly the hours left in the day: closing time, not the next morning.
    assert calendar.add_working_hours(at(23, 8), 9) == at(23, 17)
    assert calendar.add_working_hours(at(23, 8), 0) == at(23, 8)
    assert calendar.add_working_days(at(23, 8), 0) == at(23, 17)


def test_a_holiday_and_a_weekend_are_not_working_days(calendar: WorkingCalendar) -> None:
    assert calendar.is_working_day(date(2026, 11, 25))
    assert not calendar.is_working_day(THANKSGIVING)
    assert not calendar.is_working_day(date(2026, 11, 28))  # Saturday
    assert calendar.next_working_day(date(2026, 11, 25)) == date(2026, 11, 27)
    assert calendar.next_working_day(date(2026, 11, 27)) == date(2026, 11, 30)


def test_a_day_that_ends_when_it_starts_is_refused() -> None:
    """The messages reach whoever configures a department: they are checked word for word."""
    with pytest.raises(ValueError, match=r"^the working day must end after it starts$"):
        WorkingCalendar(timezone=CHICAGO, day_starts_at=time(9), day_ends_at=time(9))
    with pytest.raises(ValueError, match=r"^a calendar needs at least one working day$"):
        WorkingCalendar(timezone=CHICAGO, working_days=frozenset())
    with pytest.raises(ValueError, match=r"^hours must not be negative$"):
        WorkingCalendar(timezone=CHICAGO).add_working_hours(at(23, 9), -0.5)
    with pytest.raises(ValueError, match=r"^days must not be negative$"):
        WorkingCalendar(timezone=CHICAGO).add_working_days(at(23, 9), -1)
