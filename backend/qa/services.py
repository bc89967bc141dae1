"""QA use cases: rubric versions, weekly auditable sampling, reviews and disputes, coaching,
calibration sessions."""

from __future__ import annotations

import calendar
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from core.errors import InvalidInput
from intake.models import ServiceRequest
from intake.policies import ensure
from interactions.models import Interaction, InteractionKind
from qa import notices, policies
from qa.models import (
    NOT_APPLICABLE,
    POINTS,
    SCALE_VALUES,
    CalibrationConsensus,
    CalibrationSession,
    CoachingNote,
    Evaluation,
    EvaluationAnswer,
    EvaluationStatus,
    Rubric,
    RubricItem,
    SamplingPeriod,
    Scale,
    Stratum,
)
from qa.sampling import PeriodKey, keyed_fraction, random_stratum

DEFAULT_RUBRIC = Path(__file__).with_name("default_rubric.toml")
# Interactions an agent is scored on: what they said or wrote to a resident.
REVIEWABLE_KINDS = (InteractionKind.PHONE_CALL, InteractionKind.PUBLIC_NOTE)
# Risk strata: how much of each to review (COURTESY.md C12; issue: all, half, a quarter, a fifth).
RISK_SHARES = {
    Stratum.C5_FLAG: 1.0,
    Stratum.COMPLAINT: 1.0,
    Stratum.LOW_SATISFACTION: 0.5,
    Stratum.C4_FLAG: 0.25,
    Stratum.TRANSFER_OR_BROKEN: 0.2,
}
LOW_SATISFACTION = 6
DOUBLE_SCORE_SHARE = 0.1
# A reviewer has this many days from the draw (or a calibration's start) to submit.
REVIEW_DAYS = 7


# --- Rubric -------------------------------------------------------------------------------


@transaction.atomic
def rubric_publish(
    *, version: str, name: str, items: Sequence[Mapping[str, Any]], pass_mark: int = 80
) -> Rubric:
    """A new rubric version, active for evaluations created from now on."""
    errors: list[str] = []
    if Rubric.objects.filter(version=version).exists():
        raise InvalidInput.field("version", f"Version {version} exists; publish a new one.")
    weights = sum(int(i.get("weight", 0)) for i in items if not i.get("critical"))
    if weights != 100:
        errors.append(f"Weights of non-critical items sum to {weights}, not 100.")
    for item in items:
        if item.get("scale") not in Scale.values:
            errors.append(f"{item.get('code')}: scale must be one of {', '.join(Scale.values)}.")
        if item.get("critical") and item.get("allows_na", False):
            errors.append(f"{item.get('code')}: a critical item always applies.")
    if errors:
        raise InvalidInput({"items": errors})
    Rubric.objects.filter(is_active=True).update(is_active=False)
    rubric = Rubric.objects.create(version=version, name=name, pass_mark=pass_mark, is_active=True)
    RubricItem.objects.bulk_create(
        RubricItem(
            rubric=rubric,
            order=n,
            code=i["code"],
            c_id=i["c_id"],
            title=i["title"],
            guidance=i.get("guidance", ""),
            scale=i["scale"],
            weight=int(i.get("weight", 0)),
            critical=bool(i.get("critical", False)),
            allows_na=bool(i.get("allows_na", not i.get("critical", False))),
        )
        for n, i in enumerate(items)
    )
    return rubric


def rubric_install_default() -> Rubric:
    with DEFAULT_RUBRIC.open("rb") as f:
        data = tomllib.load(f)
    existing = Rubric.objects.filter(version=data["version"]).first()
    if existing is not None:
        return existing
    return rubric_publish(
        version=data["version"], name=data["name"], items=data["item"], pass_mark=data["pass_mark"]
    )


def active_rubric() -> Rubric:
    rubric = Rubric.objects.filter(is_active=True).first()
    return rubric or rubric_install_default()


# --- Sampling -----------------------------------------------------------------------------


def week_bounds(day: date) -> tuple[date, date]:
    """Sampling weeks live inside one month: days 1-7, 8-14, 15-21, 22-28, 29-end."""
    start_day = ((day.day - 1) // 7) * 7 + 1
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=start_day), day.replace(day=min(start_day + 6, last))


def weekly_quota(monthly: int, starts_on: date, ends_on: date) -> int:
    """This week's share of a monthly quota, rounded so the weeks add up to the month's."""
    days = calendar.monthrange(starts_on.year, starts_on.month)[1]
    before = starts_on.day - 1
    return round(monthly * (before + (ends_on - starts_on).days + 1) / days) - round(
        monthly * before / days
    )


def agent_monthly_quota(agent: User, on: date) -> int:
    new = agent.date_joined.date() > on - timedelta(days=90)
    return (
        settings.CIVIC311_QA_MONTHLY_SAMPLE_NEW_AGENT
        if new
        else settings.CIVIC311_QA_MONTHLY_SAMPLE
    )


@transaction.atomic
def sampling_period_open(*, day: date) -> SamplingPeriod:
    """Draw the week's secret key and publish its hash (idempotent)."""
    starts_on, ends_on = week_bounds(day)
    existing = SamplingPeriod.objects.filter(starts_on=starts_on).first()
    if existing is not None:
        return existing
    key = PeriodKey.draw()
    return SamplingPeriod.objects.create(
        starts_on=starts_on, ends_on=ends_on, key=key.key, commitment=key.commitment
    )


def _period_window(period: SamplingPeriod) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(period.starts_on, time.min, tzinfo=zone),
        datetime.combine(period.ends_on + timedelta(days=1), time.min, tzinfo=zone),
    )


def reviewable_interactions(period: SamplingPeriod) -> list[Interaction]:
    start, end = _period_window(period)
    return list(
        Interaction.objects.filter(
            kind__in=REVIEWABLE_KINDS,
            agent__isnull=False,
            started_at__gte=start,
            started_at__lt=end,
        ).select_related("agent")
    )


def _risk_stratum(interaction: Interaction, signals: Mapping[str, set[str]]) -> Stratum | None:
    """The most serious risk reason an interaction has, if any."""
    key = str(interaction.pk)
    if "C5" in interaction.flagged_c_ids:
        return Stratum.C5_FLAG
    if interaction.courtesy_complaint or key in signals["not_courteous"]:
        return Stratum.COMPLAINT
    if key in signals["low_satisfaction"]:
        return Stratum.LOW_SATISFACTION
    if "C4" in interaction.flagged_c_ids:
        return Stratum.C4_FLAG
    if key in signals["transfer_or_broken"]:
        return Stratum.TRANSFER_OR_BROKEN
    return None


def _risk_signals(interactions: Sequence[Interaction]) -> dict[str, set[str]]:
    """Which staff interactions touched a request with a low or 'not courteous' survey answer,
    a transfer or a broken promise."""
    ids = [i.pk for i in interactions]
    through = Interaction.requests.through
    links = list(
        through.objects.filter(interaction_id__in=ids).values_list(
            "interaction_id", "servicerequest_id"
        )
    )
    request_ids = {r for _, r in links}
    surveys = Interaction.objects.filter(
        kind=InteractionKind.SURVEY_ANSWER, requests__in=request_ids
    ).values_list("requests", "satisfaction", "courteous")
    low = {r for r, s, _ in surveys if s is not None and s <= LOW_SATISFACTION}
    rude = {r for r, _, c in surveys if c is False}
    troubled = set(
        ServiceRequest.objects.filter(pk__in=request_ids)
        .filter(Q(promise_broken=True) | Q(transfers__isnull=False))
        .values_list("pk", flat=True)
    )
    signals: dict[str, set[str]] = {
        "low_satisfaction": set(),
        "not_courteous": set(),
        "transfer_or_broken": set(),
    }
    for interaction_id, request_id in links:
        if request_id in low:
            signals["low_satisfaction"].add(str(interaction_id))
        if request_id in rude:
            signals["not_courteous"].add(str(interaction_id))
        if request_id in troubled:
            signals["transfer_or_broken"].add(str(interaction_id))
    return signals


def sample_for_period(period: SamplingPeriod, key: str) -> dict[str, list[tuple[str, str]]]:
    """{stratum: [(agent username, interaction id)]}: a pure function of the key and the
    period's interactions, so anyone with the revealed key can re-derive it."""
    interactions = reviewable_interactions(period)
    agents = {i.agent for i in interactions if i.agent is not None}
    quotas = {
        a.username: weekly_quota(
            agent_monthly_quota(a, period.starts_on), period.starts_on, period.ends_on
        )
        for a in agents
    }
    pairs = [(i.agent.username, str(i.pk)) for i in interactions if i.agent is not None]
    chosen = random_stratum(key=key, interactions=pairs, per_agent=quotas)
    sample: dict[str, list[tuple[str, str]]] = {
        Stratum.RANDOM: [(agent, i) for agent, ids in sorted(chosen.items()) for i in ids]
    }
    signals = _risk_signals(interactions)
    for interaction in sorted(interactions, key=lambda i: str(i.pk)):
        key_id = str(interaction.pk)
        stratum = _risk_stratum(interaction, signals)
        if stratum is None or interaction.agent is None:
            continue
        if keyed_fraction(key=key, interaction_id=key_id, fraction=RISK_SHARES[stratum]):
            sample.setdefault(stratum, []).append((interaction.agent.username, key_id))
    return sample


def _reviewers() -> list[User]:
    return list(
        User.objects.filter(role__in=[Role.QA_REVIEWER, Role.QA_ADMIN], is_active=True).order_by(
            "pk"
        )
    )


def _pick_reviewer(
    reviewers: Sequence[User], agent_id: int | None, turn: int, exclude: Iterable[int] = ()
) -> User | None:
    """Round robin, never the agent themself (nor anyone excluded)."""
    banned = {agent_id, *exclude}
    eligible = [r for r in reviewers if r.pk not in banned]
    return eligible[turn % len(eligible)] if eligible else None


@transaction.atomic
def sampling_period_draw(*, period: SamplingPeriod, now: datetime | None = None) -> int:
    """After the week ends: draw the sample, assign reviews (10% of random ones also to a
    second reviewer, blind), and reveal the key."""
    now = now or timezone.now()
    locked = SamplingPeriod.objects.select_for_update().get(pk=period.pk)
    if locked.drawn_at is not None:
        return 0
    if now < _period_window(locked)[1]:
        raise InvalidInput.field("period", "The week is not over yet.")
    rubric = active_rubric()
    reviewers = _reviewers()
    interactions = {str(i.pk): i for i in reviewable_interactions(locked)}
    created: list[Evaluation] = []
    turn = 0
    for stratum, chosen in sample_for_period(locked, locked.key).items():
        for _, interaction_id in chosen:
            interaction = interactions[interaction_id]
            first = _pick_reviewer(reviewers, interaction.agent_id, turn)
            turn += 1
            if first is None:
                continue
            created.append(
                Evaluation(
                    interaction=interaction,
                    rubric=rubric,
                    reviewer=first,
                    stratum=stratum,
                    period=locked,
                    due_at=now + timedelta(days=REVIEW_DAYS),
                )
            )
            if stratum == Stratum.RANDOM and keyed_fraction(
                key=locked.key,
                interaction_id="double:" + interaction_id,
                fraction=DOUBLE_SCORE_SHARE,
            ):
                second = _pick_reviewer(reviewers, interaction.agent_id, turn, exclude=[first.pk])
                if second is not None:
                    created.append(
                        Evaluation(
                            interaction=interaction,
                            rubric=rubric,
                            reviewer=second,
                            stratum=Stratum.DOUBLE_SCORE,
                            period=locked,
                            due_at=now + timedelta(days=REVIEW_DAYS),
                        )
                    )
    Evaluation.objects.bulk_create(created)
    notices.reviewers_told_of_assignments(created)
    locked.drawn_at = locked.revealed_at = now
    locked.save(update_fields=["drawn_at", "revealed_at"])
    return len(created)


# --- Reviews --------------------------------------------------------------------------------


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
            errors[item.code] = ["Answer every item (or 'na' where it does not apply)."]
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


# --- Calibration ------------------------------------------------------------------------------


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


def sampling_open_current_and_draw_past(*, today: date | None = None) -> int:
    """The weekly job: open this week's period, draw every finished one."""
    today = today or timezone.localdate()
    sampling_period_open(day=today)
    drawn = 0
    for period in SamplingPeriod.objects.filter(drawn_at__isnull=True, ends_on__lt=today):
        drawn += sampling_period_draw(period=period)
    return drawn
