"""Weekly auditable sampling: open a week with a committed key, draw its sample after it ends
(random and risk strata), assign the reviews and reveal the key."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from core.errors import InvalidInput
from intake.models import ServiceRequest
from interactions.models import Interaction, InteractionKind
from qa import notices
from qa.models import (
    Evaluation,
    SamplingPeriod,
    Stratum,
)
from qa.sampling import PeriodKey, keyed_fraction, random_stratum
from qa.services.reviews import REVIEW_DAYS
from qa.services.rubrics import active_rubric

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
    created = _not_already_assigned(created)
    Evaluation.objects.bulk_create(created)
    notices.reviewers_told_of_assignments(created)
    locked.drawn_at = locked.revealed_at = now
    locked.save(update_fields=["drawn_at", "revealed_at"])
    return len(created)


def _not_already_assigned(evaluations: list[Evaluation]) -> list[Evaluation]:
    """An administrator may have assigned a review by hand before the draw: the same reviewer
    is not given the same interaction twice in one stratum (the unique constraint would
    otherwise refuse the whole draw)."""
    existing = set(
        Evaluation.objects.filter(
            interaction_id__in={e.interaction_id for e in evaluations}
        ).values_list("interaction_id", "reviewer_id", "stratum")
    )
    return [e for e in evaluations if (e.interaction_id, e.reviewer_id, e.stratum) not in existing]


def sampling_open_current_and_draw_past(*, today: date | None = None) -> int:
    """The weekly job: open this week's period, draw every finished one."""
    today = today or timezone.localdate()
    sampling_period_open(day=today)
    drawn = 0
    for period in SamplingPeriod.objects.filter(drawn_at__isnull=True, ends_on__lt=today):
        drawn += sampling_period_draw(period=period)
    return drawn
