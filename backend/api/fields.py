from typing import Any, TypeVar

from django.db.models import Model
from rest_framework import serializers

M = TypeVar("M", bound=Model)


class SlugLookupField(serializers.SlugRelatedField[M]):
    """A related object by its slug or code. Text PostgreSQL cannot compare (NUL bytes) or
    longer than any slug is refused as a field error before it reaches the database."""

    max_length = 200

    def to_internal_value(self, data: Any) -> M:
        if isinstance(data, str) and ("\x00" in data or len(data) > self.max_length):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data[:50])
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """Text that must arrive as text. DRF's CharField turns a JSON number (`12`, `1e308`) or
    a boolean into its string form; a reason or note that was never typed as words is a
    client's mistake, refused as a field error rather than sent to a resident."""

    default_error_messages = {"not_text": "Must be text, not a number, boolean, list or object."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class CourtesyOverrideReasonField(StrictCharField):
    """Why a note the courtesy screener flagged (not C5) should be sent as is: every action
    that sends a public note accepts the same reason, with the same limits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault(
            "help_text", "Why a note the courtesy screener flagged (not C5) should be sent as is."
        )
        super().__init__(**kwargs)
