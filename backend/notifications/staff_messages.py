"""Email to staff about their QA reviews, through the outbox like every other message:
reviewers when a review is assigned, agents when a review of theirs is submitted or their
dispute decided. Written in the same transaction as the change; sent after commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import override

from accounts.models import User
from notifications.models import Channel, MessageKind, OutboxMessage
from notifications.services import save_and_queue

QA_SUBJECTS: dict[str, dict[str, str]] = {
    "en": {
        MessageKind.QA_ASSIGNED: "A review for you: {count} due {due}",
        MessageKind.QA_SUBMITTED: "Your evaluation is ready ({score})",
        MessageKind.QA_DISPUTE_DECIDED: "Your dispute has been decided",
    },
    "es": {
        MessageKind.QA_ASSIGNED: "Una revisión para usted: {count}, vence {due}",
        MessageKind.QA_SUBMITTED: "Su evaluación está lista ({score})",
        MessageKind.QA_DISPUTE_DECIDED: "Se ha decidido su impugnación",
    },
}


def _language(user: User) -> str:
    language = str(getattr(user, "language", "") or settings.LANGUAGE_CODE)[:2]
    return language if language in QA_SUBJECTS else "en"


def outbox_enqueue_qa_message(
    *, kind: str, recipient: User, evaluation_id: int, context: Mapping[str, Any]
) -> list[OutboxMessage]:
    """One email to one member of staff about one evaluation (none without an address)."""
    if not recipient.email or not recipient.is_active:
        return []
    language = _language(recipient)
    values = {
        "name": recipient.first_name or recipient.username,
        "city": settings.CIVIC311_CITY_NAME,
        "link": f"{settings.CIVIC311_PUBLIC_URL}/qa/evaluations/{evaluation_id}/",
        **context,
    }
    with override(language):
        body = get_template(f"notifications/{language}/{kind}.txt").render(values)
    subject = QA_SUBJECTS[language][kind].format_map(values)
    return save_and_queue(
        [
            OutboxMessage(
                evaluation_id=evaluation_id,
                kind=kind,
                channel=Channel.EMAIL,
                recipient=recipient.email,
                language=language,
                subject=subject[:300],
                body=body.strip(),
                next_attempt_at=timezone.now(),
            )
        ]
    )
