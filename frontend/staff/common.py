"""What the staff console's views share: htmx answers, domain errors shown on forms."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import InvalidInput


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# Details the domain sends beside its messages (the screener's flags and scores, which the
# courtesy hints under the field already show): not messages to list.
DETAILS = frozenset({"courtesy"})


def show_errors(form: forms.Form, error: InvalidInput) -> None:
    """The domain's field errors on the form's fields; the rest above the form."""
    for name, messages in error.errors.items():
        if name in DETAILS:
            continue
        if isinstance(messages, dict):  # nested, e.g. a service's attributes by code
            for inner, inner_messages in messages.items():
                for message in inner_messages:
                    form.add_error(None, f"{inner}: {message}")
            continue
        items = messages if isinstance(messages, list) else [str(messages)]
        for message in items:
            form.add_error(name if name in form.fields else None, str(message))


def answer(
    request: HttpRequest,
    *,
    page: str,
    partial: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """The partial for htmx, the whole page otherwise (every action works without scripts).
    htmx swaps 422 answers too (staff/base.html configures it), so forms show their errors."""
    return render(request, partial if is_htmx(request) else page, context, status=status)
