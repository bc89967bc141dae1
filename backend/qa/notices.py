"""Who QA tells, and when (by email through the outbox, in the same transaction as the change):
reviewers when reviews are assigned to them, agents when a review of theirs is submitted and
when their dispute is decided. Calibration and second scores measure reviewers: agents are
not told about them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from accounts.models import User
from notifications.models import MessageKind
from notifications.staff_messages import outbox_enqueue_qa_message
from qa.models import Evaluation


def _day(value: object) -> str:
    if value is None:
        return "-"
    with override("en"):
        return date_format(timezone.localtime(value), "l j F")  # type: ignore[arg-type]


def _what(evaluation: Evaluation) -> str:
    interaction = evaluation.interaction
    return f"{interaction.get_kind_display().lower()} of {_day(interaction.started_at)}"


def _score(evaluation: Evaluation) -> str:
    if evaluation.score is None:
        return "no score (nothing applicable)"
    verdict = "pass" if evaluation.passed else "below the pass mark"
    return f"{evaluation.score:.0f} out of 100, {verdict}"


def reviewers_told_of_assignments(evaluations: Sequence[Evaluation]) -> int:
    """One email per reviewer for a batch of new reviews, tied to the soonest due."""
    by_reviewer: dict[int, list[Evaluation]] = defaultdict(list)
    for evaluation in evaluations:
        by_reviewer[evaluation.reviewer_id].append(evaluation)
    reviewers = User.objects.in_bulk(list(by_reviewer))
    sent = 0
    for reviewer_id, theirs in by_reviewer.items():
        first = min(theirs, key=lambda e: (e.due_at or timezone.now(), e.pk))
        count = len(theirs)
        sent += len(
            outbox_enqueue_qa_message(
                kind=MessageKind.QA_ASSIGNED,
                recipient=reviewers[reviewer_id],
                evaluation_id=first.pk,
                context={
                    "count": f"{count} review{'s' if count != 1 else ''}",
                    "due": _day(first.due_at),
                    "what": "Blind calibration: score without discussing it."
                    if first.session_id
                    else "They are in your queue, soonest due first.",
                },
            )
        )
    return sent


def agent_told_of_submission(evaluation: Evaluation) -> int:
    agent = evaluation.interaction.agent
    if agent is None:
        return 0
    return len(
        outbox_enqueue_qa_message(
            kind=MessageKind.QA_SUBMITTED,
            recipient=agent,
            evaluation_id=evaluation.pk,
            context={
                "what": _what(evaluation),
                "score": _score(evaluation),
                "critical_fail": evaluation.critical_fail,
                "respond_by": _day(evaluation.respond_by),
            },
        )
    )


def agent_told_of_decision(evaluation: Evaluation, *, rescored: bool) -> int:
    agent = evaluation.interaction.agent
    if agent is None or evaluation.arbitrated_by is None:
        return 0
    arbiter = evaluation.arbitrated_by
    return len(
        outbox_enqueue_qa_message(
            kind=MessageKind.QA_DISPUTE_DECIDED,
            recipient=agent,
            evaluation_id=evaluation.pk,
            context={
                "what": _what(evaluation),
                "arbiter": arbiter.get_full_name() or arbiter.username,
                "outcome": "rescored" if rescored else "the scores stand",
                "score": _score(evaluation),
                "note": evaluation.arbitration_note,
            },
        )
    )
