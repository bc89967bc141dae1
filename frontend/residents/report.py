"""Report a problem: choose the service, answer its questions, place it, add photos and a
way to hear back. The form is one more channel on the intake command; nothing here
decides what a valid request is."""

import secrets
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import InvalidInput, RateLimited
from core.throttles import client_address
from frontend.residents import catalogue
from frontend.residents.forms import ATTRIBUTE_PREFIX, ReportForm
from frontend.residents.nearby import nearby_for_form
from frontend.residents.wording import domain_message, photo_problem
from intake.attributes import clean_attribute_values
from intake.commands import IntakeCommand, Location, Requester
from intake.images import PhotoRejected
from intake.models import Channel, RequestPhoto, Service
from intake.services import requester_clean, service_request_submit
from intake.services.photos import request_photo_store, request_photos_attach, request_photos_kept
from routing_adapter.selectors import location_in_city

# Where each of the intake command's error keys shows up on the form.
ERROR_FIELDS = {
    "requester_email": "email",
    "requester_phone": "phone",
    "requester_language": "language",
    "requester_channel": "channel",
    "requester_first_name": "first_name",
    "requester_last_name": "last_name",
    "location": "address",
    "lat": "address",
    "long": "address",
    "media_urls": "photos",
}


def choose(request: HttpRequest) -> HttpResponse:
    """Step one: find the service by searching, by describing it, or from the list."""
    query = request.GET.get("q", "").strip()[:200]
    described = request.GET.get("describe", "").strip()[:2000]
    context = {
        "query": query,
        "described": described,
        "suggestions": catalogue.services_suggested(described) if described else [],
        "groups": catalogue.services_grouped(query),
    }
    return render(request, "residents/report_choose.html", context)


def _service(code: str) -> Service:
    service = Service.objects.filter(code=code, is_active=True).prefetch_related("attributes")
    found = service.first()
    if found is None:
        raise Http404
    return found


def _add_errors(form: ReportForm, errors: dict[str, Any]) -> None:
    for key, messages in errors.items():
        if key == "attributes" and isinstance(messages, dict):
            for code, nested in messages.items():
                name = ATTRIBUTE_PREFIX + code
                for message in nested:
                    form.add_error(name if name in form.fields else None, domain_message(message))
            continue
        name = ERROR_FIELDS.get(key, key)
        for message in messages:
            form.add_error(name if name in form.fields else None, domain_message(str(message)))


def _store_photos(request: HttpRequest, form: ReportForm, attempt: str) -> list[RequestPhoto]:
    """Keep the photos already accepted on an earlier try, and take the new ones."""
    kept = request_photos_kept(upload_key=attempt, keys=request.POST.getlist("photo_keys"))
    for upload in request.FILES.getlist("photos"):
        if len(kept) >= settings.CIVIC311_PHOTOS_PER_REQUEST:
            form.add_error("photos", _("At most 3 photos."))
            break
        try:
            kept.append(
                request_photo_store(upload_key=attempt, source=upload, size=upload.size or 0)
            )
        except PhotoRejected as exc:
            form.add_error("photos", photo_problem(exc.reason, upload.name or ""))
    return kept


def _attributes(data: dict[str, Any]) -> dict[str, Any]:
    # Lists come from checkbox questions; the intake command checks every answer.
    return {
        name.removeprefix(ATTRIBUTE_PREFIX): value
        for name, value in data.items()
        if name.startswith(ATTRIBUTE_PREFIX)
    }


def _requester(data: dict[str, Any]) -> Requester:
    return Requester(
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        phone=data["phone"],
        language=data["language"],
        channel=data["channel"],
    )


def _command(service: Service, form: ReportForm, photos: list[RequestPhoto]) -> IntakeCommand:
    data = form.cleaned_data
    location = Location.parse(
        lat=data["lat"],
        long=data["long"],
        address=data["address"],
        address_id=data["address_id"],
        required=False,
    )
    base = settings.CIVIC311_PUBLIC_URL
    return IntakeCommand(
        service=service,
        channel=Channel.WEB,
        location=location,
        description=data["description"],
        attributes=_attributes(data),
        media_urls=tuple(f"{base}/photos/{photo.key}.jpg" for photo in photos),
        requester=_requester(data),
        idempotency_key=f"web-{data['attempt']}",
    )


def _checks_before_submit(service: Service, form: ReportForm) -> None:
    """What the resident can fix before the command is built: said in plain words here;
    the intake command still decides. A copy of the cleaned data is read throughout:
    `add_error` removes the field it marks from the form's own."""
    data = dict(form.cleaned_data)
    if not service.allows_anonymous and not (data["email"] or data["phone"]):
        form.add_error(
            "email", _("For this service we need an email address or a phone number to reach you.")
        )
    try:
        location = Location.parse(
            lat=data["lat"], long=data["long"], address=data["address"], required=False
        )
    except InvalidInput:
        location = Location()
    if location.is_empty:
        form.add_error(
            "address", _("Put the pin on the map, use your location, or type an address.")
        )
    elif location.point is not None and not location_in_city(location.point):
        form.add_error("address", outside_city_message())
    if form.errors:
        _add_errors(form, _other_problems(service, form, data))


def _other_problems(service: Service, form: ReportForm, data: dict[str, Any]) -> dict[str, Any]:
    """What the intake command would say about the contact details and the answers, asked
    when the report already goes back for another reason: the resident fixes everything in
    one go instead of meeting one more problem on each try. Fields already marked keep
    their one message."""
    problems: dict[str, Any] = {}
    try:
        requester_clean(_requester(data))
    except InvalidInput as exc:
        problems.update(exc.errors)
    try:
        clean_attribute_values(service=service, raw=_attributes(data))
    except InvalidInput as exc:
        problems.update(exc.errors)
    return {
        key: value
        for key, value in problems.items()
        if ERROR_FIELDS.get(key, key) not in form.errors
    }


def outside_city_message() -> str:
    return _(
        "This spot is outside the City of %(city)s, so our crews cannot go there. Please "
        "contact the town or county where it is; if you are not sure which, call 3-1-1 and "
        "we will tell you who to call."
    ) % {"city": settings.CIVIC311_CITY_NAME}


def _render_form(
    request: HttpRequest,
    service: Service,
    form: ReportForm,
    photos: list[RequestPhoto],
    status: int = 200,
) -> HttpResponse:
    context = {
        "service": catalogue.card(service),
        "service_code": service.code,
        "allows_anonymous": service.allows_anonymous,
        "form": form,
        "photos": photos,
        "nearby": nearby_for_form(service, form),
        "max_photos": settings.CIVIC311_PHOTOS_PER_REQUEST,
    }
    return render(request, "residents/report_form.html", context, status=status)


def report(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(code)
    fields = catalogue.attribute_fields(service)
    if request.method != "POST":
        initial = {
            "attempt": secrets.token_urlsafe(24),
            "language": catalogue.language(),
            "channel": "none",
        }
        return _render_form(
            request, service, ReportForm(initial=initial, attribute_fields=fields), []
        )
    form = ReportForm(request.POST, request.FILES, attribute_fields=fields)
    if request.POST.get("website"):
        return redirect("home")  # the honeypot: a person never fills it in
    if not form.is_valid():
        return _render_form(request, service, form, [], status=400)
    attempt = form.cleaned_data["attempt"]
    photos = _store_photos(request, form, attempt)
    _checks_before_submit(service, form)
    if form.errors:
        return _render_form(request, service, form, photos, status=400)
    try:
        submitted = service_request_submit(
            command=_command(service, form, photos),
            actor=None,
            client_address=client_address(request) or "unknown",
        )
    except InvalidInput as exc:
        _add_errors(form, exc.errors)
        return _render_form(request, service, form, photos, status=400)
    except RateLimited as exc:
        message = _(
            "We have received many reports from your connection. Please try again in "
            "%(minutes)d minutes, or call 3-1-1."
        )
        form.add_error(None, message % {"minutes": max(1, exc.wait // 60)})
        return _render_form(request, service, form, photos, status=429)
    request_photos_attach(service_request=submitted.service_request, photos=photos)
    return redirect("report-sent", reference=submitted.service_request.public_id)
