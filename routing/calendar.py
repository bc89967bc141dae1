"""Working calendars: when a department really works, so promised dates are honest (C7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class TargetUnit(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    timezone: ZoneInfo
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    day_starts_at: time = time(8, 0)
    day_ends_at: time = time(17, 0)
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.working_days:
            raise ValueError("a calendar needs at least one working day")
        if not self.working_days <= frozenset(range(7)):
            # A weekday no date has would leave next_working_day searching forever.
            raise ValueError("working days are 0 (Monday) to 6 (Sunday)")
        if self.day_ends_at <= self.day_starts_at:
            raise ValueError("the working day must end after it starts")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_days and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        candidate = day + timedelta(days=1)
        # A year of holidays cannot hide every working day, so this terminates.
        while not self.is_working_day(candidate):
            candidate += timedelta(days=1)
        return candidate

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.timezone)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """End of the `days`-th working day after the day of `start` (0: end of the current one)."""
        if days < 0:
            raise ValueError("days must not be negative")
        local = start.astimezone(self.timezone)
        day = local.date()
        # A request that arrives after hours or on a day off is received on the next working day.
        if not self.is_working_day(day) or local.time() >= self.day_ends_at:
            day = self.next_working_day(day)
        for _ in range(days):
            day = self.next_working_day(day)
        return self._at(day, self.day_ends_at)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` of working time after `start`."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        remaining = timedelta(hours=hours)
        local = start.astimezone(self.timezone)
        day = local.date()
        cursor = local
        if not self.is_working_day(day) or local.time() >= self.day_ends_at:
            day = self.next_working_day(day)
            cursor = self._at(day, self.day_starts_at)
        elif local.time() < self.day_starts_at:
            cursor = self._at(day, self.day_starts_at)
        while True:
            end_of_day = self._at(day, self.day_ends_at)
            available = end_of_day - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
            day = self.next_working_day(day)
            cursor = self._at(day, self.day_starts_at)

    def add(self, start: datetime, amount: float, unit: TargetUnit) -> datetime:
        if unit is TargetUnit.WORKING_DAYS:
            return self.add_working_days(start, int(amount))
        return self.add_working_hours(start, amount)
