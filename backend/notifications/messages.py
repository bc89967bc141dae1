"""Words for residents: per kind of update, per language, per service when a city wants it."""

import json
from typing import Any

from django.conf import settings
from django.template.loader import select_template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from intake.models import EventKind, RequestEvent, ServiceRequest
from intake.public_notes import STILL_ON_IT, public_note
from intake.statuses import Status, is_closed
from intake.translations import service_name
from notifications.models import MessageKind

LANGUAGES = ("en", "es")

SUBJECTS: dict[str, dict[str, str]] = {
    "en": {
        MessageKind.CREATED: "We have your request {reference}",
        MessageKind.STATUS_CHANGED: "Update on your request {reference}",
        MessageKind.PUBLIC_NOTE: "A note about your request {reference}",
        MessageKind.TRANSFERRED: "Your request {reference} is with {owner}",
        MessageKind.STILL_ON_IT: "We are still on your request {reference}",
        MessageKind.PROMISE_CHANGED: "A new date for your request {reference}",
        MessageKind.SURVEY: "How did we do with request {reference}?",
    },
    "es": {
        MessageKind.CREATED: "Recibimos su solicitud {reference}",
        MessageKind.STATUS_CHANGED: "Novedades sobre su solicitud {reference}",
        MessageKind.PUBLIC_NOTE: "Una nota sobre su solicitud {reference}",
        MessageKind.TRANSFERRED: "Su solicitud {reference} está con {owner}",
        MessageKind.STILL_ON_IT: "Seguimos con su solicitud {reference}",
        MessageKind.PROMISE_CHANGED: "Una nueva fecha para su solicitud {reference}",
        MessageKind.SURVEY: "¿Cómo lo hicimos con la solicitud {reference}?",
    },
}

STATUS_SENTENCES = {
    "en": {
        Status.NEW: "we have received it.",
        Status.ACKNOWLEDGED: "{owner} has it and will start work soon.",
        Status.IN_PROGRESS: "work has started.",
        Status.ON_HOLD: "work is paused for now.",
        Status.RESOLVED: "the work is done.",
        Status.CLOSED_NO_ACTION: "we have closed it.",
        Status.CLOSED_DUPLICATE: (
            "someone reported the same problem, so we joined the two requests. "
            "You will get the updates of the other one."
        ),
        "reopened": "we have reopened it and are working on it again.",
    },
    "es": {
        Status.NEW: "la recibimos.",
        Status.ACKNOWLEDGED: "{owner} la tiene y empezará a trabajar pronto.",
        Status.IN_PROGRESS: "el trabajo ha comenzado.",
        Status.ON_HOLD: "el trabajo está en pausa por ahora.",
        Status.RESOLVED: "el trabajo está terminado.",
        Status.CLOSED_NO_ACTION: "la hemos cerrado.",
        Status.CLOSED_DUPLICATE: (
            "otra persona informó el mismo problema, así que unimos las dos solicitudes. "
            "Recibirá las novedades de la otra."
        ),
        "reopened": "la volvimos a abrir y estamos trabajando en ella de nuevo.",
    },
}


def message_kind(event: RequestEvent) -> str | None:
    """Which update a public event is, or None when residents are not written to about it."""
    if not event.public:
        return None
    if event.kind == EventKind.ROUTED:  # recorded once, when the request is created
        return MessageKind.CREATED
    if event.kind in (EventKind.STATUS_CHANGED, EventKind.REOPENED):
        return MessageKind.STATUS_CHANGED
    if event.kind == EventKind.PUBLIC_NOTE:
        automatic = (event.data or {}).get("automatic")
        return MessageKind.STILL_ON_IT if automatic == STILL_ON_IT else MessageKind.PUBLIC_NOTE
    if event.kind == EventKind.TRANSFERRED:
        return MessageKind.TRANSFERRED
    if event.kind == EventKind.PROMISE_CHANGED:
        return MessageKind.PROMISE_CHANGED
    return None


def _language(language: str) -> str:
    return language if language in LANGUAGES else "en"


def _context(
    service_request: ServiceRequest, event: RequestEvent, language: str, first_name: str
) -> dict[str, Any]:
    owner = service_request.department.public_label(language)
    promised = ""
    if service_request.promised_at:
        with override(language):
            promised = date_format(timezone.localtime(service_request.promised_at), "l j F Y")
    to_status = (event.data or {}).get("to", service_request.status)
    sentence_key = "reopened" if event.kind == EventKind.REOPENED else to_status
    sentence = STATUS_SENTENCES[language].get(sentence_key, "")
    return {
        "city": settings.CIVIC311_CITY_NAME,
        "first_name": first_name,
        "reference": service_request.public_id,
        "service": service_name(service_request.service, language),
        # Every message links to the request's public status page.
        "status_url": f"{settings.CIVIC311_PUBLIC_URL}/requests/{service_request.public_id}/",
        "address": service_request.address,
        "owner": owner,
        "promised": promised,
        "is_open": not is_closed(service_request.status),
        "note": public_note(event, language=language, owner=owner)
        if event.kind != EventKind.ROUTED
        else "",
        "status_sentence": sentence.format(owner=owner),
    }


def render(
    *,
    kind: str,
    service_request: ServiceRequest,
    event: RequestEvent,
    language: str,
    first_name: str = "",
    extra: dict[str, Any] | None = None,
) -> tuple[str, str]:
    """(subject, body) in the resident's language; a city may add service-specific wording
    as notifications/<lang>/<kind>.<service_code>.txt."""
    language = _language(language)
    context = _context(service_request, event, language, first_name) | (extra or {})
    template = select_template(
        [
            f"notifications/{language}/{kind}.{service_request.service.code}.txt",
            f"notifications/{language}/{kind}.txt",
        ]
    )
    body = template.render(context).strip()
    subject = SUBJECTS[language][kind].format(**context)
    return subject, body


def webhook_body(kind: str, service_request: ServiceRequest, event: RequestEvent) -> str:
    """Open311-style fields only: nothing about who reported it."""
    return json.dumps(
        {
            "event": kind,
            "service_request_id": service_request.public_id,
            "service_code": service_request.service.code,
            "status": "closed" if is_closed(service_request.status) else "open",
            "detailed_status": service_request.status,
            "status_notes": event.note,
            "agency_responsible": service_request.department.public_label(),
            "expected_datetime": timezone.localtime(service_request.promised_at).isoformat()
            if service_request.promised_at
            else None,
            "updated_datetime": timezone.localtime(event.at).isoformat(),
        },
        ensure_ascii=False,
    )
