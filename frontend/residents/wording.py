"""Plain words for residents, in their language: statuses, the public timeline, and the
intake command's messages (which the domain writes in English)."""

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from intake.models import EventKind, RequestEvent
from intake.public_notes import public_note
from intake.statuses import Status

# The intake command's fixed messages, so the catalogue can translate them.
DOMAIN_MESSAGES = [
    gettext_noop("Enter a number."),
    gettext_noop("Enter a date and time in ISO 8601 format."),
    gettext_noop("Expected a single value."),
    gettext_noop("Give a location or an address."),
    gettext_noop("Give a number."),
    gettext_noop("An email address is needed to send updates by email."),
    gettext_noop("A phone number is needed to send updates by text or phone."),
    gettext_noop("Give a valid email address."),
    gettext_noop("Give a phone number with its area code, or with + and the country code."),
    gettext_noop("This service is no longer offered."),
    gettext_noop("Give an email address or a phone number."),
    gettext_noop("This request is closed; report the problem anew."),
    gettext_noop("Give your email address."),
]


# Where the domain's word is not a resident's: a question on the form, not an "attribute".
RESIDENT_WORDS = {"This attribute is required.": gettext_noop("Answer this question.")}


def domain_message(message: str) -> str:
    if message in RESIDENT_WORDS:
        return _(RESIDENT_WORDS[message])
    return _(message) if message in DOMAIN_MESSAGES else message


def photo_problem(reason: str, filename: str) -> str:
    problems = {
        "too_large": _("%(file)s is larger than 10 MB. Send a smaller photo."),
        "wrong_format": _("%(file)s is not a JPEG, PNG or WebP photo."),
        "too_many_pixels": _("%(file)s has too many pixels. Send a smaller photo."),
        "not_an_image": _("%(file)s is not a photo we can open. Send a JPEG, PNG or WebP image."),
    }
    return problems.get(reason, problems["not_an_image"]) % {"file": filename or _("The file")}


def status_name(status: str) -> str:
    names: dict[str, str] = {
        Status.NEW: _("Received"),
        Status.ACKNOWLEDGED: _("Acknowledged"),
        Status.IN_PROGRESS: _("In progress"),
        Status.ON_HOLD: _("On hold"),
        Status.RESOLVED: _("Fixed"),
        Status.CLOSED_NO_ACTION: _("Closed without action"),
        Status.CLOSED_DUPLICATE: _("Closed: already reported"),
    }
    return names.get(status, status)


def timeline_words(event: RequestEvent, owners: dict[str, str]) -> tuple[str, str]:
    """(what happened, the public note) for one line of the public timeline."""
    data = event.data or {}
    if event.kind == EventKind.CREATED:
        return _("Reported"), ""
    if event.kind == EventKind.ROUTED:
        owner = owners.get(str(data.get("department")), "")
        return _("%(owner)s will handle it") % {"owner": owner}, ""
    if event.kind == EventKind.TRANSFERRED:
        owner = owners.get(str(data.get("to")), "")
        return _("Passed to %(owner)s, who handle this; the reference stays the same") % {
            "owner": owner
        }, ""
    note = public_note(
        event, language=get_language() or "", owner=owners.get(str(data.get("department")), "")
    )
    if event.kind in (EventKind.STATUS_CHANGED, EventKind.REOPENED):
        return _("Status: %(status)s") % {"status": status_name(str(data.get("to", "")))}, note
    if event.kind == EventKind.PROMISE_CHANGED:
        return _("New date"), event.note
    if event.kind == EventKind.DUPLICATE_LINKED:
        return _("Linked to request %(reference)s") % {
            "reference": data.get("duplicate_of", "")
        }, ""
    return _("Update"), note
