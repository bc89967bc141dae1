"""Installable app: the manifest, the service worker (served at the root, for its scope)
and the page shown when there is no connection."""

import json
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

SERVICE_WORKER = Path(__file__).resolve().parent.parent / "static" / "frontend" / "sw.js"


def manifest(request: HttpRequest) -> JsonResponse:
    name = _("%(city)s 3-1-1") % {"city": settings.CIVIC311_CITY_NAME}
    response = JsonResponse(
        {
            "name": name,
            "short_name": "3-1-1",
            "description": _("Report a problem to the city and follow it."),
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#162e51",
            "icons": [
                {
                    "src": static("frontend/icons/icon-192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                },
                {
                    "src": static("frontend/icons/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                },
                {
                    "src": static("frontend/icons/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        }
    )
    response["Content-Type"] = "application/manifest+json"
    return response


@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    script = SERVICE_WORKER.read_text(encoding="utf-8")
    shell = [
        "/offline/",
        static("frontend/site.css"),
        static("frontend/site.js"),
        static("frontend/report.js"),
        static("frontend/map.js"),
        static("vendor/uswds-3.14.0/css/uswds-residents.min.css"),
        static("vendor/uswds-3.14.0/js/uswds.min.js"),
        static("vendor/htmx-2.0.11/htmx.min.js"),
        static("vendor/ol-7.2.2/ol-residents.min.js"),
        static("vendor/ol-7.2.2/ol.css"),
    ]
    body = script.replace("__SHELL__", json.dumps(shell))
    return HttpResponse(body, content_type="application/javascript")


def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "residents/offline.html")
