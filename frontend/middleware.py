"""Web-page middleware: staff sessions that end when idle, and the product's error pages
even when a developer runs with DEBUG on."""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from rest_framework.response import Response

from frontend.errors import page_not_found, server_error

logger = logging.getLogger(__name__)
LAST_SEEN = "civic311_last_seen"
# The timestamp is written at most this often, so reading pages does not write the session.
TOUCH_EVERY_SECONDS = 60


class StaffSessionIdleMiddleware:
    """Signs a member of staff out after CIVIC311_STAFF_SESSION_IDLE_MINUTES without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN)
            idle_limit = settings.CIVIC311_STAFF_SESSION_IDLE_MINUTES * 60
            if isinstance(last_seen, int | float) and now - last_seen > idle_limit:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
            elif not isinstance(last_seen, int | float) or now - last_seen > TOUCH_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def _shows_debug_pages(request: HttpRequest) -> bool:
    """DEBUG pages (URL lists, tracebacks) only for a developer signed in to the admin."""
    user = getattr(request, "user", None)
    return bool(settings.DEBUG and user is not None and user.is_active and user.is_staff)


class ProductErrorPagesMiddleware:
    """With DEBUG on, Django answers a missing page with its URL list and an error with a
    traceback, to anyone. Visitors get the product's pages instead; API and Open311 errors,
    which have their own formats, pass through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not isinstance(response, Response)
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "civic311_page", False)
            and not _shows_debug_pages(request)
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG or _shows_debug_pages(request):
            return None
        if isinstance(exception, Http404 | PermissionDenied):
            return None  # Django's handlers answer these with the product's pages
        logger.exception("Internal Server Error: %s", request.path)
        return server_error(request)
