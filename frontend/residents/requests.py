"""A request in public: the confirmation, the status page, following, photos, the map and
list of recent requests, and looking a reference up."""

import hashlib
import json
import re

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from core.errors import InvalidInput
from core.models import Department
from frontend.errors import own_error_page
from frontend.residents import catalogue
from frontend.residents.session import signed_in_email
from frontend.residents.wording import domain_message, status_name, timeline_words
from intake import public
from intake.models import RequestPhoto, Service, ServiceRequest
from intake.selectors import service_request_is_overdue
from intake.services import service_request_follow
from intake.statuses import is_closed

REFERENCE = re.compile(r"^[0-9A-Za-z-]{1,32}$")
PAGE_SIZE = 20


def found_request(reference: str) -> ServiceRequest:
    service_request = public.public_request(reference) if REFERENCE.match(reference) else None
    if service_request is None:
        raise Http404
    return service_request


def _owners() -> dict[str, str]:
    language = get_language() or ""
    return {d.slug: d.public_label(language) for d in Department.objects.all()}


def _status_context(service_request: ServiceRequest) -> dict[str, object]:
    owners = _owners()
    timeline = [
        (event.at, *timeline_words(event, owners))
        for event in getattr(service_request, "public_events", [])
    ]
    point = public.public_point(service_request)
    return {
        "service_request": service_request,
        "reference": service_request.public_id,
        "service": catalogue.card(service_request.service),
        "status": status_name(service_request.status),
        "is_open": not is_closed(service_request.status),
        "promise_missed": service_request_is_overdue(service_request, timezone.now()),
        "owner": service_request.department.public_label(get_language() or ""),
        "address": public.public_address(service_request),
        "lat": f"{point.y:.6f}" if point else "",
        "long": f"{point.x:.6f}" if point else "",
        "sensitive": service_request.service.is_sensitive,
        "timeline": timeline,
        "photos": getattr(service_request, "photo_list", []),
    }


def sent(request: HttpRequest, reference: str) -> HttpResponse:
    """The confirmation: reference, who has it and why, the promised date, the status link."""
    service_request = found_request(reference)
    events = getattr(service_request, "public_events", [])
    routed = next((e for e in events if e.kind == "routed"), None)
    why = str((routed.data or {}).get("explanation", "")) if routed else ""
    context = _status_context(service_request) | {"why": why}
    return render(request, "residents/report_sent.html", context)


def status(request: HttpRequest, reference: str) -> HttpResponse:
    service_request = found_request(reference)
    context = _status_context(service_request)
    email = signed_in_email(request)
    if email:
        context["resident_email"] = email
        context["following"] = service_request.followers.filter(email__iexact=email).exists()
    return render(request, "residents/status.html", context)


def lookup(request: HttpRequest) -> HttpResponse:
    """A reference typed on the home page: its status page, or the home page again with what
    was typed kept and the problem said at the field."""
    typed = request.GET.get("reference", "")[:64]
    reference = "".join(typed.split()).upper()  # "26 001234" as typed from a message
    if reference and REFERENCE.match(reference) and public.public_request(reference):
        return redirect("request-status", reference=reference)
    if reference:
        problem = _(
            "We could not find a request with that reference. Check the number in your message."
        )
    else:
        problem = _("Type the reference number from the message we sent you.")
    context = {"lookup_reference": typed.strip(), "lookup_error": problem}
    home = render(request, "residents/home.html", context, status=404 if reference else 400)
    return own_error_page(home)


@require_POST
def follow(request: HttpRequest, reference: str) -> HttpResponse:
    """Follow a request instead of reporting the same problem again."""
    service_request = found_request(reference)
    try:
        service_request_follow(
            service_request=service_request,
            actor=None,
            email=request.POST.get("email", "")[:254],
            phone=request.POST.get("phone", "")[:40],
            language=catalogue.language(),
        )
    except InvalidInput as exc:
        problems = [domain_message(str(m)) for messages_ in exc.errors.values() for m in messages_]
        context = _status_context(service_request) | {
            "follow_errors": problems,
            "follow_email": request.POST.get("email", ""),
            "follow_phone": request.POST.get("phone", ""),
        }
        return render(request, "residents/status.html", context, status=400)
    messages.success(
        request,
        _("You are following request %(reference)s. We will tell you when it changes.")
        % {"reference": service_request.public_id},
    )
    return redirect("request-status", reference=service_request.public_id)


def photo(request: HttpRequest, key: str, size: str = "full") -> FileResponse:
    found = RequestPhoto.objects.filter(key=key, request__isnull=False).first()
    if found is None:
        raise Http404
    stored = found.thumbnail if size == "thumb" else found.image
    response = FileResponse(stored.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _filters(request: HttpRequest) -> public.PublicFilters:
    status_value = request.GET.get("status", "")
    return public.PublicFilters(
        service=request.GET.get("service", "")[:64],
        status=status_value if status_value in ("open", "closed") else "",
        district=request.GET.get("district", "")[:120],
    )


def recent(request: HttpRequest) -> HttpResponse:
    """The public list (and map) of the last 90 days, filterable, in pages."""
    filters = _filters(request)
    requests = public.public_requests(filters, days=settings.CIVIC311_PUBLIC_MAP_DAYS)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "reference": r.public_id,
            "service": catalogue.card(r.service).name,
            "status": status_name(r.status),
            "address": public.public_address(r),
            "created_at": r.created_at,
        }
        for r in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "rows": rows,
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "services": [card for _, cards in catalogue.services_grouped() for card in cards],
        "districts": public.districts(),
        "days": settings.CIVIC311_PUBLIC_MAP_DAYS,
    }
    return render(request, "residents/recent.html", context)


MAP_LIMIT = 2000


def _map_body(filters: public.PublicFilters) -> bytes:
    points = public.public_map_points(
        filters, days=settings.CIVIC311_PUBLIC_MAP_DAYS, limit=MAP_LIMIT
    )
    services = Service.objects.filter(pk__in={p.service_id for p in points})
    names = {service.pk: catalogue.card(service).name for service in services}
    statuses = {status: status_name(status) for status in {p.status for p in points}}
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(p.long, 6), round(p.lat, 6)]},
            "properties": {
                "reference": p.reference,
                "service": names[p.service_id],
                "status": statuses[p.status],
                "open": p.is_open,
            },
        }
        for p in points
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode()


@gzip_page  # public data, no secret in it: nothing for a compression attack to learn
def recent_geojson(request: HttpRequest) -> HttpResponse:
    """The map's data: the same filters, at most MAP_LIMIT points, sensitive ones blurred.
    Shared between callers (per filters and language) until any request is written."""
    filters = _filters(request)
    seconds = settings.CIVIC311_PUBLIC_MAP_CACHE_SECONDS
    shape = json.dumps([filters.service, filters.status, filters.district, catalogue.language()])
    key = (
        "public-map:"
        + hashlib.sha256(f"{shape}{public.public_requests_version()}".encode()).hexdigest()
    )
    body = cache.get(key) if seconds else None
    if body is None:
        body = _map_body(filters)
        if seconds:
            cache.set(key, body, seconds)
    return HttpResponse(body, content_type="application/json")
