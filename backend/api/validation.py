"""Reading a request's body or query through a serializer, the same way in every view."""

from typing import Any

from rest_framework import serializers


def validated(serializer_class: type[serializers.BaseSerializer[Any]], data: Any) -> Any:
    """The serializer's validated data; invalid data raises DRF's 400 with field messages."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
