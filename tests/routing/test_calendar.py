"""Promised dates follow the department's real working time (C7)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from routing.calendar import TargetUnit, WorkingCalendar

CHICAGO = ZoneInfo("America/Chicago")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CHICAGO)


@pytest.fixture
def calendar() -> WorkingCalendar:
    # Thursday 26 November 2026 is Thanksgiving.
    return WorkingCalendar(timezone=CHICAGO, holidays=frozenset({date(2026, 11, 26)}))


def test_zero_working_days_is_end_of_today_when_open(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(at(23, 10), 0) == at(23, 17)


def test_zero_working_days_after_hours_is_end_of_next_working_day(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.add_working_days(at(23, 18), 0) == at(24, 17)


def test_working_days_skip_weekends_and_holidays(calendar: WorkingCalendar) -> None:
    # Tuesday + 2 working days: Wednesday, (Thanksgiving skipped) Friday.
    assert calendar.add_working_days(at(24, 9), 2) == at(27, 17)
    # Friday + 1: the weekend is skipped.
    assert calendar.add_working_days(at(27, 9), 1) == at(30, 17)


def test_request_on_saturday_counts_from_monday(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(at(28, 12), 1) == at(1, 17, month=12)


def test_working_hours_within_one_day(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_hours(at(23, 9), 4) == at(23, 13)


def test_working_hours_carry_over_night_and_holiday(calendar: WorkingCalendar) -> None:
    # Wednesday 15:00 + 4h: 2h on Wednesday, Thanksgiving skipped, 2h on Friday from 08:00.
    assert calendar.add_working_hours(at(25, 15), 4) == at(27, 10)


def test_working_hours_before_opening_start_at_opening(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_hours(at(23, 6), 1.5) == at(23, 9, 30)


def test_working_hours_after_close_start_next_morning(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_hours(at(23, 20), 1) == at(24, 9)


def test_seven_day_calendar_works_weekends() -> None:
    always = WorkingCalendar(
        timezone=CHICAGO,
        working_days=frozenset(range(7)),
        day_starts_at=time(0, 0),
        day_ends_at=time(23, 59),
    )
    assert always.add_working_days(at(28, 10), 1) == at(29, 23, 59)


def test_input_in_another_zone_is_converted() -> None:
    calendar = WorkingCalendar(timezone=CHICAGO)
    utc_moment = datetime(2026, 11, 23, 15, 0, tzinfo=ZoneInfo("UTC"))  # 09:00 in Chicago
    assert calendar.add(utc_moment, 2, TargetUnit.WORKING_HOURS) == at(23, 11)


def test_dst_change_keeps_wall_clock_hours() -> None:
    calendar = WorkingCalendar(timezone=CHICAGO)
    # Clocks go back on Sunday 1 November 2026; Friday 16:00 + 2h is Monday 09:00 local.
    assert calendar.add_working_hours(at(30, 16, month=10), 2) == at(2, 9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"working_days": frozenset()}, "at least one working day"),
        ({"day_starts_at": time(17), "day_ends_at": time(8)}, "end after it starts"),
    ],
)
def test_invalid_calendars_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingCalendar(timezone=CHICAGO, **kwargs)  # type: ignore[arg-type]


def test_negative_amounts_are_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(at(23, 9), -1)
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_hours(at(23, 9), -1)


def test_after_hours_request_is_received_next_working_day(calendar: WorkingCalendar) -> None:
    # Monday 18:00 is received Tuesday, so one working day later is Wednesday.
    assert calendar.add_working_days(at(23, 18), 1) == at(25, 17)
