"""Reviews and disputes: drafts, submission and scoring, the agent's acknowledgement or
dispute, arbitration, coaching notes. An evaluation's status changes only in `_set_status`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import InvalidInput
from intake.policies import ensure
from qa import notices, policies
from qa.models import (
    NOT_APPLICABLE,
    POINTS,
    SCALE_VALUES,
    CoachingNote,
    Evaluation,
    EvaluationAnswer,
    EvaluationStatus,
    RubricItem,
    Scale,
    Stratum,
)

# A reviewer has this many days from the draw (or a calibration's start) to submit.
REVIEW_DAYS = 7


def score_answers(
    items: Sequence[RubricItem], answers: Mapping[int, str], pass_mark: int
) -> tuple[float | None, bool, bool]:
    """(score 0-100 over the applicable items, passed, critical fail)."""
    critical_fail = any(i.critical and answers[i.pk] == "no" for i in items)
    scored = [i for i in items if not i.critical and answers[i.pk] != NOT_APPLICABLE]
    denominator = sum(i.weight for i in scored)
    score = (
        round(100 * sum(i.weight * POINTS[answers[i.pk]] for i in scored) / denominator, 2)
        if denominator
        else None
    )
    passed = not critical_fail and score is not None and score >= pass_mark
    return score, passed, critical_fail


def _clean_answers(
    items: Sequence[RubricItem],
    answers: Mapping[str, Mapping[str, str]],
    *,
    partial: bool = False,
) -> dict[int, tuple[str, str]]:
    errors: dict[str, list[str]] = {}
    by_code = {i.code: i for i in items}
    unknown = sorted(set(answers) - set(by_code))
    if unknown:
        errors["answers"] = [f"Not in this rubric: {', '.join(unknown)}."]
    cleaned: dict[int, tuple[str, str]] = {}
    for item in items:
        answer = answers.get(item.code)
        if answer is None and partial:
            continue
        if answer is None:
            errors[item.code] = [
                "Choose an answer, or “not applicable” where it does not apply."
                if item.allows_na
                else "Choose an answer: this item always applies."
            ]
            continue
        value, comment = str(answer.get("value", "")), str(answer.get("comment", "")).strip()
        allowed = list(SCALE_VALUES[Scale(item.scale)]) + (
            [NOT_APPLICABLE] if item.allows_na else []
        )
        if partial and value == "":
            pass  # a draft may hold a comment before the value is chosen
        elif value not in allowed:
            errors[item.code] = [f"Choose one of: {', '.join(allowed)}."]
        elif len(comment) > 2000:
            errors[item.code] = ["Comments are at most 2000 characters."]
        cleaned[item.pk] = (value, comment)
    if errors:
        raise InvalidInput(errors)
    return cleaned


def _write_answers(evaluation: Evaluation, answers: Mapping[str, Mapping[str, str]]) -> None:
    items = list(evaluation.rubric.items.all())
    cleaned = _clean_answers(items, answers)
    evaluation.answers.all().delete()
    EvaluationAnswer.objects.bulk_create(
        EvaluationAnswer(evaluation=evaluation, item_id=pk, value=v, comment=c)
        for pk, (v, c) in cleaned.items()
    )
    evaluation.score, evaluation.passed, evaluation.critical_fail = score_answers(
        items, {pk: v for pk, (v, _) in cleaned.items()}, evaluation.rubric.pass_mark
    )


def _set_status(evaluation: Evaluation, status: str, **fields: Any) -> None:
    """The one place an evaluation's status changes."""
    allowed = {
        EvaluationStatus.SUBMITTED: {EvaluationStatus.ASSIGNED},
        EvaluationStatus.ACKNOWLEDGED: {EvaluationStatus.SUBMITTED, EvaluationStatus.ASSIGNED},
        EvaluationStatus.DISPUTED: {EvaluationStatus.SUBMITTED},
        EvaluationStatus.ARBITRATED: {EvaluationStatus.DISPUTED},
    }
    if evaluation.status not in allowed[EvaluationStatus(status)]:
        raise InvalidInput.field(
            "status", f"This evaluation is {evaluation.get_status_display().lower()}."
        )
    evaluation.status = status
    for name, value in fields.items():
        setattr(evaluation, name, value)
    evaluation.save()


def _locked_evaluation(evaluation: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("interaction", "rubric")
        .get(pk=evaluation.pk)
    )


@transaction.atomic
def evaluation_save_draft(
    *, evaluation: Evaluation, reviewer: User, answers: Mapping[str, Mapping[str, str]]
) -> Evaluation:
    """Keep what the reviewer has so far (any items, values or comments); nothing is scored
    and nobody is told until they submit."""
    locked = _locked_evaluation(evaluation)
    ensure(locked.reviewer_id == reviewer.pk, "This review is assigned to someone else.")
    if locked.status != EvaluationStatus.ASSIGNED:
        raise InvalidInput.field("status", "Only a review not yet submitted has a draft.")
    cleaned = _clean_answers(list(locked.rubric.items.all()), answers, partial=True)
    for item_id, (value, comment) in cleaned.items():
        EvaluationAnswer.objects.update_or_create(
            evaluation=locked, item_id=item_id, defaults={"value": value, "comment": comment}
        )
    locked.draft_saved_at = timezone.now()
    locked.save(update_fields=["draft_saved_at"])
    return locked


@transaction.atomic
def evaluation_submit(
    *, evaluation: Evaluation, reviewer: User, answers: Mapping[str, Mapping[str, str]]
) -> Evaluation:
    locked = _locked_evaluation(evaluation)
    ensure(locked.reviewer_id == reviewer.pk, "This review is assigned to someone else.")
    ensure(locked.interaction.agent_id != reviewer.pk, "Nobody reviews their own interactions.")
    _write_answers(locked, answers)
    now = timezone.now()
    # Only reviews that count towards the agent go to them; calibration and second scores
    # measure reviewers.
    goes_to_agent = locked.stratum not in (Stratum.CALIBRATION, Stratum.DOUBLE_SCORE)
    _set_status(
        locked,
        EvaluationStatus.SUBMITTED if goes_to_agent else EvaluationStatus.ACKNOWLEDGED,
        submitted_at=now,
        respond_by=now + timedelta(days=settings.CIVIC311_QA_DISPUTE_DAYS)
        if goes_to_agent
        else None,
    )
    if goes_to_agent:
        notices.agent_told_of_submission(locked)
    return locked


def _agent_response(evaluation: Evaluation, agent: User) -> Evaluation:
    locked = _locked_evaluation(evaluation)
    ensure(locked.interaction.agent_id == agent.pk, "Only the agent reviewed can answer.")
    if locked.status != EvaluationStatus.SUBMITTED:
        raise InvalidInput.field(
            "status", f"This evaluation is {locked.get_status_display().lower()}."
        )
    if locked.respond_by is not None and timezone.now() > locked.respond_by:
        raise InvalidInput.field("status", "The time to answer this evaluation has passed.")
    return locked


@transaction.atomic
def evaluation_acknowledge(*, evaluation: Evaluation, agent: User, comment: str = "") -> Evaluation:
    locked = _agent_response(evaluation, agent)
    _set_status(
        locked,
        EvaluationStatus.ACKNOWLEDGED,
        agent_response=comment.strip()[:2000],
        responded_at=timezone.now(),
    )
    return locked


@transaction.atomic
def evaluation_dispute(*, evaluation: Evaluation, agent: User, reason: str) -> Evaluation:
    locked = _agent_response(evaluation, agent)
    if not reason.strip():
        raise InvalidInput.field("reason", "Say what you disagree with.")
    _set_status(
        locked,
        EvaluationStatus.DISPUTED,
        agent_response=reason.strip()[:2000],
        responded_at=timezone.now(),
    )
    return locked


@transaction.atomic
def evaluation_arbitrate(
    *,
    evaluation: Evaluation,
    arbiter: User,
    note: str,
    answers: Mapping[str, Mapping[str, str]] | None = None,
) -> Evaluation:
    """A supervisor (or QA admin) settles a dispute: upholds the scores or rescores."""
    locked = _locked_evaluation(evaluation)
    ensure(policies.can_arbitrate(arbiter, locked), "You cannot arbitrate this evaluation.")
    if not note.strip():
        raise InvalidInput.field("note", "Explain the decision to the agent and the reviewer.")
    if answers is not None:
        _write_answers(locked, answers)
    _set_status(
        locked,
        EvaluationStatus.ARBITRATED,
        arbitrated_by=arbiter,
        arbitration_note=note.strip()[:2000],
    )
    notices.agent_told_of_decision(locked, rescored=answers is not None)
    return locked


def coaching_note_add(
    *,
    agent: User,
    author: User,
    c_ids: Sequence[str],
    text: str,
    evaluation: Evaluation | None = None,
) -> CoachingNote:
    ensure(
        policies.can_coach(author, agent.pk, evaluation),
        "Coaching notes come from the agent's supervisor, their reviewer or QA.",
    )
    valid = {f"C{n}" for n in range(1, 13)}
    bad = [c for c in c_ids if c not in valid]
    if not c_ids or bad:
        raise InvalidInput.field("c_ids", "Name the standards (C1 to C12) this note is about.")
    if not text.strip():
        raise InvalidInput.field("text", "Write the note.")
    return CoachingNote.objects.create(
        agent=agent,
        author=author,
        evaluation=evaluation,
        c_ids=sorted(set(c_ids)),
        text=text.strip(),
    )
