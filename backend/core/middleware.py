"""Refuse a request body that is too large before anything reads it (issue 13).

Django checks DATA_UPLOAD_MAX_MEMORY_SIZE only for form fields, after reading; uploaded files
stream to memory or disk first. Here the declared Content-Length is checked at the door, and
the answer is in the interface's own error format.
"""

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    description = f"The request body is larger than {limit} bytes."
    if request.path.startswith("/open311/"):
        if request.path.endswith(".xml"):
            xml = (
                '<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>413</code>'
                f"<description>{description}</description></error></errors>"
            )
            return HttpResponse(xml, status=413, content_type="text/xml; charset=utf-8")
        body = json.dumps([{"code": 413, "description": description}])
        return HttpResponse(body, status=413, content_type="application/json; charset=utf-8")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": description}, status=413)
    page = (
        "<!doctype html><html><head><meta charset=utf-8><title>Too large</title></head><body>"
        f"<h1>Too large</h1><p>{description} Go back and send smaller photos.</p></body></html>"
    )
    return HttpResponse(page, status=413, content_type="text/html; charset=utf-8")


def body_limit(path: str) -> int:
    """The residents' report form carries photos (each checked at CIVIC311_PHOTO_MAX_BYTES with
    a message that keeps what was typed); everything else is small text."""
    if path.startswith("/report/"):
        return int(settings.CIVIC311_MAX_REPORT_BODY_BYTES)
    return int(settings.CIVIC311_MAX_BODY_BYTES)


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request.path)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Content-Length is not a number."}, status=400)
        if declared > limit:
            return _too_large(request, limit)
        return self.get_response(request)
