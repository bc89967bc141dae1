"""The JSON parser every interface uses: what it hands a view is always a JSON object of
text that PostgreSQL can store, or the request is refused with a ParseError (a 400 in the
interface's own error format)."""

from collections.abc import Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Deeper than any body we accept, far below what would exhaust Python's stack.
MAX_DEPTH = 32


def _check(value: Any) -> None:
    """Refuse nesting deeper than MAX_DEPTH and text with lone surrogates (not UTF-8)."""
    pending: list[tuple[Any, int, str]] = [(value, 1, "")]
    while pending:
        item, depth, where = pending.pop()
        if isinstance(item, str):
            _check_text(item, where)
            continue
        if not isinstance(item, Mapping | list):
            continue
        if depth > MAX_DEPTH:
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.")
        entries = item.items() if isinstance(item, Mapping) else enumerate(item)
        for key, child in entries:
            name = str(key)
            if isinstance(key, str):
                _check_text(key, where or name)
            pending.append((child, depth + 1, where or name))


def _check_text(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        field = f" in {where}" if where else ""
        raise ParseError(f"Text{field} is not valid Unicode (a lone surrogate).") from None


class JSONObjectParser(JSONParser):
    """DRF's JSON parser, refusing a body that is not an object, too deep, or not Unicode."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.") from None
        if not isinstance(data, dict):
            raise ParseError("The body must be a JSON object.")
        _check(data)
        return data
