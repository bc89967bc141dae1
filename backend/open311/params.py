"""Reading Open311 query and form parameters strictly: every mistake is a 400 naming the field."""

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import QueryDict

from core.errors import InvalidInput

MIN_YEAR, MAX_YEAR = 1900, 2999
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
_SPACED_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _single(params: Mapping[str, Any], name: str) -> Any:
    """The one value of a parameter; the same name twice with different values is a mistake
    (a query string or form would otherwise silently keep the last one)."""
    if isinstance(params, QueryDict):
        given = set(params.getlist(name))
        if len(given) > 1:
            raise InvalidInput.field(name, "Give this parameter once.")
    return params.get(name)


def text(params: Mapping[str, Any], name: str, *, max_length: int = 255) -> str:
    value = _single(params, name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput.field(name, "Give a single text value.")
    value = value.strip()
    if len(value) > max_length:
        raise InvalidInput.field(name, f"At most {max_length} characters.")
    if "\x00" in value:
        raise InvalidInput.field(name, "Contains a NUL character.")
    return value


def number(params: Mapping[str, Any], name: str, low: float, high: float) -> float | None:
    raw = text(params, name, max_length=40)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput.field(name, "Give a number.") from None
    if not low <= value <= high:
        raise InvalidInput.field(name, f"Must be between {low:g} and {high:g}.")
    return value


def integer(params: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = text(params, name, max_length=12)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput.field(name, "Give a whole number.") from None
    if not low <= value <= high:
        raise InvalidInput.field(name, f"Must be between {low} and {high}.")
    return value


def moment(params: Mapping[str, Any], name: str, *, whole_day: bool = False) -> datetime | None:
    """W3C datetimes: with an offset, with Z, with fractional seconds; no offset = city time.
    A date alone is its midnight, or with `whole_day` its last moment (an inclusive end)."""
    raw = text(params, name, max_length=40)
    if not raw:
        return None
    # An offset's "+" sent unencoded arrives as a space: read it as the offset it was.
    candidate = _SPACED_OFFSET.sub(r"\1+\2", raw)
    candidate = candidate[:-1] + "+00:00" if candidate.endswith(("Z", "z")) else candidate
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        raise InvalidInput.field(
            name, "Give a W3C date and time, e.g. 2026-11-22T09:30:00-06:00."
        ) from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        # Year 1 or 9999 overflows once shifted by a time zone or the 90-day window.
        raise InvalidInput.field(name, f"Give a year between {MIN_YEAR} and {MAX_YEAR}.")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    if whole_day and _DATE_ONLY.match(raw):
        parsed += timedelta(days=1, microseconds=-1)
    return parsed


def comma_list(params: Mapping[str, Any], name: str, *, max_items: int = 100) -> list[str]:
    """GeoReport v2 lets a list parameter be comma delimited or "declared multiple times"."""
    if isinstance(params, QueryDict) and len(params.getlist(name)) > 1:
        params = {name: ",".join(params.getlist(name))}
    raw = text(params, name, max_length=4000)
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if len(items) > max_items:
        raise InvalidInput.field(name, f"At most {max_items} values.")
    return items


def attributes(params: Mapping[str, Any]) -> dict[str, Any]:
    """attribute[code]=v, and attribute[code][]=a&attribute[code][]=b for multivaluelists."""
    found: dict[str, Any] = {}
    keys = params.keys()
    for key in keys:
        match = _ATTRIBUTE.match(key)
        if match is None:
            continue
        code, is_list = match.group(1), bool(match.group(2))
        if isinstance(params, QueryDict):
            values = [v.strip() for v in params.getlist(key)]
        else:
            raw = params[key]
            values = [str(v).strip() for v in (raw if isinstance(raw, list) else [raw])]
        if any("\x00" in v for v in values):
            raise InvalidInput.field(f"attribute[{code}]", "Contains a NUL character.")
        if is_list or len(values) > 1:
            existing = found.get(code, [])
            found[code] = [*(existing if isinstance(existing, list) else [existing]), *values]
        else:
            found[code] = values[0] if values else ""
    return found
