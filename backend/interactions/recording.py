"""Recording interactions, and screening what staff write before it goes out (C4, C5).

Called by intake (notes, submissions), notifications (email/SMS sent) and surveys; it imports
none of them, so every domain can record an interaction without an import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from core.errors import InvalidInput
from interactions.models import Interaction, InteractionKind
from qa.screener import Screening, TextKind, screen

if TYPE_CHECKING:
    from accounts.models import User
    from core.models import Department
    from intake.models import Service, ServiceRequest

MAX_OVERRIDE_REASON = 500


def courtesy_check_note(
    *, text: str, public: bool, override_reason: str = "", field: str = "text"
) -> Screening:
    """Screen a note before it is saved. Public notes: a C5 hit blocks sending; other flags
    stop it until the writer rewords it or gives a reason to send it as is. Internal notes
    are never blocked (the flags go to QA)."""
    screening = screen(text, kind="public_note" if public else "internal_note")
    if not public or not screening.flags:
        return screening
    flagged = [f"{f.c_id}: \u201c{f.text}\u201d \u2014 {f.explanation}" for f in screening.flags]
    if screening.blocked:
        raise InvalidInput(
            {field: ["This note cannot be sent.", *flagged], "courtesy": screening.as_dict()}
        )
    reason = override_reason.strip()
    if not reason:
        raise InvalidInput(
            {
                field: flagged,
                "courtesy_override_reason": [
                    "Reword the note using the suggestions, or give a reason to send it as is."
                ],
                "courtesy": screening.as_dict(),
            }
        )
    if len(reason) > MAX_OVERRIDE_REASON:
        raise InvalidInput.field(
            "courtesy_override_reason", f"At most {MAX_OVERRIDE_REASON} characters."
        )
    return screening


def interaction_record(
    *,
    kind: str,
    at: datetime,
    agent: User | None = None,
    department: Department | None = None,
    service: Service | None = None,
    requests: Iterable[ServiceRequest] = (),
    text: str = "",
    language: str = "en",
    screening: Screening | None = None,
    screen_as: TextKind | None = None,
    override_reason: str = "",
    satisfaction: int | None = None,
    courteous: bool | None = None,
) -> Interaction:
    """Store one contact with a resident. Staff-written text is screened (or the screening
    already done is kept) so QA can draw its risk strata from the flags."""
    if screening is None and screen_as is not None and text:
        screening = screen(text, kind=screen_as)
    interaction = Interaction.objects.create(
        kind=kind,
        started_at=at,
        ended_at=at,
        agent=agent,
        department=department,
        service=service,
        text=text,
        language=language,
        override_reason=override_reason.strip(),
        satisfaction=satisfaction,
        courteous=courteous,
        courtesy_complaint=courteous is False,
        **screening_fields(screening),
    )
    linked = list(requests)
    if linked:
        interaction.requests.add(*linked)
    return interaction


def screening_fields(screening: Screening | None) -> dict[str, object]:
    if screening is None:
        return {}
    return {
        "flagged_c_ids": screening.c_ids,
        "flags": screening.as_dict()["flags"],
        "courtesy_score": screening.score,
        "screener_version": screening.rules_version,
    }


# Which interaction a request's intake channel is (phone calls are logged by agents).
SUBMISSION_KINDS = {"web": InteractionKind.WEB_SUBMISSION, "app": InteractionKind.APP_SUBMISSION}
