"""The product's own error pages (404, 403, 500), in the visitor's language."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from core.views import not_found

# Staff pages answer their errors inside the staff console (its menu, sign-out, and where a
# member of staff looks next), not with the residents' page.
STAFF_PATHS = ("/staff/", "/qa/")


def _page(request: HttpRequest, name: str) -> str:
    return f"staff/errors/{name}" if request.path.startswith(STAFF_PATHS) else name


def own_error_page(response: HttpResponse) -> HttpResponse:
    """An error page with its own words: with DEBUG on, ProductErrorPagesMiddleware keeps it
    instead of putting the generic 404 in its place."""
    response.civic311_page = True  # type: ignore[attr-defined]
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(("/api/", "/open311/")):
        return not_found(request, exception or Http404())  # in those interfaces' own formats
    return own_error_page(render(request, _page(request, "404.html"), status=404))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, _page(request, "403.html"), status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database: whatever broke must not break the error page too.
    template = loader.get_template("500.html")
    return own_error_page(HttpResponse(template.render({"request_path": request.path}), status=500))
