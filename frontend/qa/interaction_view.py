"""The interaction being scored, in full, for the evaluation page: the call's steps and notes,
the message taken, promises made, what was sent to the resident and each request's timeline,
each text beside the screener's flags. Reads go through the domain's own selectors, so the
page shows exactly what the API lets this person read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from accounts.models import User
from intake.models import ServiceRequest
from intake.selectors import service_request_with_timeline
from interactions.models import Commitment, Interaction, InteractionKind
from interactions.selectors import interactions_visible_to

SENT_KINDS = (InteractionKind.PUBLIC_NOTE, InteractionKind.EMAIL_SENT, InteractionKind.SMS_SENT)


@dataclass
class Text:
    """One text of the interaction and the screener's flags found in it."""

    label: str
    body: str
    flags: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class InteractionInFull:
    interaction: Interaction
    texts: list[Text]
    flags: list[dict[str, Any]]
    commitments: list[Commitment]
    requests: list[ServiceRequest]
    sent: list[Interaction]


def _texts(interaction: Interaction, labels: dict[str, str]) -> list[Text]:
    parts = [
        ("greeting", interaction.greeting),
        ("caller_words", interaction.caller_words),
        ("paraphrase", interaction.paraphrase),
        ("text", interaction.text),
        ("recap", interaction.recap),
    ]
    texts = [Text(labels[name], body) for name, body in parts if body]
    flags: list[dict[str, Any]] = list(interaction.flags or [])
    for flag in flags:
        words = str(flag.get("text") or "").lower()
        home = next((t for t in texts if words and words in t.body.lower()), None)
        if home is not None:
            home.flags.append(flag)
    return texts


def interaction_in_full(
    user: User, interaction_id: Any, labels: dict[str, str]
) -> InteractionInFull:
    """Raises Interaction.DoesNotExist when this person may not read it."""
    interaction = (
        interactions_visible_to(user)
        .select_related("agent", "department", "service", "call_message__taken_by")
        .prefetch_related(Prefetch("commitments", queryset=Commitment.objects.order_by("due_at")))
        .get(pk=interaction_id)
    )
    requests = list(
        service_request_with_timeline(
            interaction.requests.select_related("service", "department").order_by("created_at")
        )
    )
    sent = list(
        Interaction.objects.filter(kind__in=SENT_KINDS, requests__in=requests)
        .exclude(pk=interaction.pk)
        .select_related("agent")
        .distinct()
        .order_by("started_at")
    )
    return InteractionInFull(
        interaction=interaction,
        texts=_texts(interaction, labels),
        flags=list(interaction.flags or []),
        commitments=list(interaction.commitments.all()),
        requests=requests,
        sent=sent,
    )
