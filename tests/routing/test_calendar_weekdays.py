"""A working calendar names its working days 0 (Monday) to 6 (Sunday), and nothing else."""

from zoneinfo import ZoneInfo

import pytest

from routing.calendar import WorkingCalendar

CHICAGO = ZoneInfo("America/Chicago")


@pytest.mark.parametrize("day", [7, 8, -1])
def test_a_weekday_no_date_has_is_refused(day: int) -> None:
    with pytest.raises(ValueError, match=r"^working days are 0 \(Monday\) to 6 \(Sunday\)$"):
        WorkingCalendar(timezone=CHICAGO, working_days=frozenset({0, day}))


def test_every_day_of_the_week_may_be_a_working_day() -> None:
    calendar = WorkingCalendar(timezone=CHICAGO, working_days=frozenset(range(7)))
    assert calendar.working_days == frozenset(range(7))
