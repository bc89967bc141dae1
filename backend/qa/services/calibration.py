"""Calibration sessions: several reviewers score the same interactions, then QA records the
consensus."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import InvalidInput
from intake.policies import ensure
from interactions.models import Interaction
from qa import notices, policies
from qa.models import (
    NOT_APPLICABLE,
    SCALE_VALUES,
    CalibrationConsensus,
    CalibrationSession,
    Evaluation,
    EvaluationStatus,
    Scale,
    Stratum,
)
from qa.services.reviews import REVIEW_DAYS
from qa.services.rubrics import active_rubric


@transaction.atomic
def calibration_session_create(
    *,
    title: str,
    created_by: User,
    interactions: Sequence[Interaction],
    participants: Sequence[User],
) -> CalibrationSession:
    ensure(policies.is_qa_admin(created_by), "Only QA administrators run calibration.")
    if len(participants) < 2:
        raise InvalidInput.field("participants", "Calibration needs at least two reviewers.")
    if not interactions:
        raise InvalidInput.field("interactions", "Choose the interactions to score.")
    session = CalibrationSession.objects.create(
        title=title.strip()[:200], rubric=active_rubric(), created_by=created_by
    )
    session.interactions.set(interactions)
    session.participants.set(participants)
    created = Evaluation.objects.bulk_create(
        Evaluation(
            interaction=i,
            rubric=session.rubric,
            reviewer=p,
            stratum=Stratum.CALIBRATION,
            session=session,
            due_at=timezone.now() + timedelta(days=REVIEW_DAYS),
        )
        for i in interactions
        for p in participants
        if p.pk != i.agent_id
    )
    notices.reviewers_told_of_assignments(created)
    return session


def calibration_is_complete(session: CalibrationSession) -> bool:
    return not session.evaluations.filter(status=EvaluationStatus.ASSIGNED).exists()


@transaction.atomic
def calibration_consensus_record(
    *,
    session: CalibrationSession,
    actor: User,
    interaction: Interaction,
    item_code: str,
    value: str,
    note: str = "",
) -> CalibrationConsensus:
    ensure(policies.is_qa_admin(actor), "Only QA administrators record the consensus.")
    if not calibration_is_complete(session):
        raise InvalidInput.field("session", "Everyone must submit before the consensus.")
    if not session.interactions.filter(pk=interaction.pk).exists():
        raise InvalidInput.field("interaction", "This interaction is not part of the session.")
    item = session.rubric.items.filter(code=item_code).first()
    if item is None:
        raise InvalidInput.field("item", "Not an item of this session's rubric.")
    allowed = [*SCALE_VALUES[Scale(item.scale)], NOT_APPLICABLE]
    if value not in allowed:
        raise InvalidInput.field("value", f"Choose one of: {', '.join(allowed)}.")
    consensus, _ = CalibrationConsensus.objects.update_or_create(
        session=session,
        interaction=interaction,
        item=item,
        defaults={"value": value, "note": note.strip()},
    )
    return consensus
