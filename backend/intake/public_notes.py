"""Notes on a request's public timeline as the resident reads them. What a person wrote is
shown as written; a note the system writes by itself records its kind (`automatic` in the
event's data, with the department it speaks for) and is said in the reader's language, as
the messages' own sentences are."""

from intake.models import RequestEvent

CLAIMED = "claimed"
STILL_ON_IT = "still_on_it"

AUTOMATIC_NOTES: dict[str, dict[str, str]] = {
    "en": {
        CLAIMED: "{owner} has your request and someone is now working on it.",
        STILL_ON_IT: "{owner} is still working on this request.",
    },
    "es": {
        CLAIMED: "{owner} tiene su solicitud y alguien ya está trabajando en ella.",
        STILL_ON_IT: "{owner} sigue trabajando en esta solicitud.",
    },
}


def automatic_data(kind: str, *, department: str) -> dict[str, str]:
    """What an event written by the system keeps so it can be said again in any language."""
    return {"automatic": kind, "department": department}


def public_note(event: RequestEvent, *, language: str, owner: str) -> str:
    """The event's note in `language`; `owner` is the department it names, in that language."""
    kind = str((event.data or {}).get("automatic", ""))
    sentence = AUTOMATIC_NOTES.get(language, {}).get(kind)
    if sentence is None or not owner:
        return event.note
    return sentence.format(owner=owner)
