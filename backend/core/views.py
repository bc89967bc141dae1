from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found

from core.health import health_report, readiness_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker, as it always answered (see core.health)."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    """Liveness: this process answers. No dependency is checked."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: database, broker, outbox and beat within limits; unusable departments."""
    is_ready, report = readiness_report()
    return JsonResponse(report, status=200 if is_ready else 503)


def _open311_error(request: HttpRequest, code: int, description: str) -> HttpResponse:
    """GeoReport v2's error list, in the format the URL asks for."""
    if request.path.endswith(".xml"):
        xml = (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f"<errors><error><code>{code}</code><description>{description}</description>"
            "</error></errors>"
        )
        return HttpResponse(xml, status=code, content_type="text/xml; charset=utf-8")
    return JsonResponse(
        [{"code": code, "description": description}],
        status=code,
        safe=False,
        content_type="application/json; charset=utf-8",
    )


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A URL no route matches answers in the format of the interface it was meant for."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    if request.path.startswith("/open311/"):
        return _open311_error(request, 404, "Not found.")
    return page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django itself refuses (too many fields, a bad host) before any view runs."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Bad request."}, status=400)
    if request.path.startswith("/open311/"):
        return _open311_error(request, 400, "Bad request.")
    return django_bad_request(request, exception)
