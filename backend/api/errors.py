"""One error format for the staff API: DRF's, `{"field": ["message", ...]}` or `{"detail": ...}`."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import InvalidInput


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, InvalidInput):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError):
        # Deleting what history still refers to (a department with requests): deactivate it.
        names = sorted({str(type(obj)._meta.verbose_name_plural) for obj in exc.protected_objects})
        return Response(
            {
                "detail": "Cannot delete: still referred to by "
                + ", ".join(names)
                + ". Deactivate it instead (is_active=false)."
            },
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)
