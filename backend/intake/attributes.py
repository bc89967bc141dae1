"""Validation of the answers to a service's attributes (Open311 service definitions)."""

import math
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_datetime

from core.errors import InvalidInput
from intake.models import AttributeDatatype, Service, ServiceAttribute

MAX_TEXT_ANSWER = 2000


def _clean_one(attribute: ServiceAttribute, raw: Any) -> Any:
    datatype = attribute.datatype
    if datatype == AttributeDatatype.MULTIVALUELIST:
        values = raw if isinstance(raw, list) else [raw]
        chosen = [str(v) for v in values if str(v) != ""]
        unknown = sorted(set(chosen) - attribute.value_keys())
        if unknown:
            raise ValueError(f"Unknown value(s): {', '.join(unknown)}.")
        return chosen
    if isinstance(raw, list | dict):
        raise ValueError("Expected a single value.")
    text = str(raw).strip()
    if datatype == AttributeDatatype.SINGLEVALUELIST:
        if text not in attribute.value_keys():
            raise ValueError(f"{text!r} is not one of the allowed values.")
        return text
    if datatype == AttributeDatatype.NUMBER:
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError("Enter a number.") from None
        # 1e999 is a finite Decimal but an infinite float, which JSON cannot store.
        if not number.is_finite() or not math.isfinite(float(number)):
            raise ValueError("Enter a number.")
        return float(number)
    if datatype == AttributeDatatype.DATETIME:
        parsed: datetime | None = None
        try:
            parsed = parse_datetime(text)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError("Enter a date and time in ISO 8601 format.")
        return parsed.isoformat()
    if len(text) > MAX_TEXT_ANSWER:
        raise ValueError(f"At most {MAX_TEXT_ANSWER} characters.")
    return text


def _is_blank(raw: Any) -> bool:
    return raw is None or raw == "" or raw == []


def clean_attribute_values(*, service: Service, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Return the validated answers, or raise InvalidInput keyed by attribute code."""
    attributes = {a.code: a for a in service.attributes.all() if a.variable}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for code in raw:
        if code not in attributes:
            errors[code] = [f"{service.name} has no attribute {code!r}."]
    for code, attribute in attributes.items():
        value = raw.get(code)
        if _is_blank(value):
            if attribute.required:
                errors[code] = ["This attribute is required."]
            continue
        try:
            cleaned[code] = _clean_one(attribute, value)
        except ValueError as exc:
            errors[code] = [str(exc)]
    if errors:
        raise InvalidInput({"attributes": errors})
    return cleaned
