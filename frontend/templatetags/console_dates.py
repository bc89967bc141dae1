"""One way to write a date across the staff console and the QA workspace, in the city's
time zone: `{{ value|when }}` a day ("9 Dec 2026"), `{{ value|when:"time" }}` a day and
time ("9 Dec 2026 14:30"), `{{ value|when:"month" }}` a month ("October 2026")."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()

# "second" only for the audit trail, where the order of a minute's changes matters.
FORMATS = {"day": "j M Y", "time": "j M Y H:i", "second": "j M Y H:i:s", "month": "F Y"}


def console_date(value: Any, part: str = "day") -> str:
    """The value (a datetime, a date or an ISO text such as a month's "2026-10-01") as the
    console writes it; "" for nothing or for text that is not a date."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
        except ValueError:
            return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(ZoneInfo(settings.TIME_ZONE))
    elif not isinstance(value, date):
        return ""
    return date_format(value, FORMATS.get(part, FORMATS["day"]))


@register.filter
def when(value: Any, part: str = "day") -> str:
    return console_date(value, part)
