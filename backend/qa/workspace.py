"""Reads for the reviewers' workspace: the rubric's wording, each person's queue, an evaluation
with the interaction in full, sampling periods, reviewer workload."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from intake.models import ServiceRequest
from intake.selectors import service_request_with_timeline
from interactions.models import Interaction, InteractionKind
from qa import policies
from qa.models import (
    SCALE_VALUES,
    Evaluation,
    EvaluationStatus,
    Rubric,
    SamplingPeriod,
    Scale,
    Stratum,
)
from qa.sampling import key_matches
from qa.screener import screen
from qa.selectors import SCORED, evaluations_visible_to
from qa.services import active_rubric, sample_for_period


def rubric_as_dict(version: str | None = None) -> dict[str, Any]:
    """A rubric version (the active one by default) with every item's wording."""
    rubric = active_rubric() if version is None else Rubric.objects.filter(version=version).first()
    if rubric is None:
        raise Http404("No rubric of that version.")
    return {
        "version": rubric.version,
        "name": rubric.name,
        "pass_mark": rubric.pass_mark,
        "is_active": rubric.is_active,
        "published_at": rubric.published_at,
        "items": [
            {
                "code": i.code,
                "c_id": i.c_id,
                "title": i.title,
                "guidance": i.guidance,
                "scale": i.scale,
                "values": list(SCALE_VALUES[Scale(i.scale)]),
                "allows_na": i.allows_na,
                "weight": i.weight,
                "critical": i.critical,
                "order": i.order,
            }
            for i in rubric.items.all()
        ],
    }


# --- Queues ---------------------------------------------------------------------------------


def evaluations_assigned_to(user: User) -> QuerySet[Evaluation]:
    """A reviewer's open reviews, the soonest due first (drafts included)."""
    return (
        Evaluation.objects.filter(reviewer=user, status=EvaluationStatus.ASSIGNED)
        .select_related("interaction__agent", "reviewer", "rubric")
        .order_by(F("due_at").asc(nulls_last=True), "assigned_at", "pk")
    )


def evaluations_of_agent(user: User) -> QuerySet[Evaluation]:
    """An agent's own scored reviews (never calibration or second scores), newest first."""
    return (
        Evaluation.objects.filter(interaction__agent=user, status__in=SCORED)
        .exclude(stratum__in=[Stratum.CALIBRATION, Stratum.DOUBLE_SCORE])
        .select_related("interaction__agent", "reviewer", "rubric")
        .order_by("-submitted_at", "-pk")
    )


def disputes_to_arbitrate(user: User) -> QuerySet[Evaluation]:
    """Disputed reviews this person may settle: QA admins any, supervisors their team's;
    never a dispute about their own interaction or their own review."""
    if not (policies.is_qa_admin(user) or user.role == Role.SUPERVISOR):
        return Evaluation.objects.none()
    return (
        evaluations_visible_to(user)
        .filter(status=EvaluationStatus.DISPUTED)
        .exclude(reviewer=user)
        .exclude(interaction__agent=user)
        .order_by("responded_at", "pk")
    )


def reviewer_workload(*, now: datetime | None = None) -> list[dict[str, Any]]:
    """Per reviewer: open reviews, overdue ones, drafts, submitted in the last 30 days."""
    now = now or timezone.now()
    month_ago = now - timedelta(days=30)
    open_ = Q(status=EvaluationStatus.ASSIGNED)
    rows = (
        Evaluation.objects.values(
            "reviewer__username", "reviewer__first_name", "reviewer__last_name"
        )
        .annotate(
            open=Count("pk", filter=open_),
            overdue=Count("pk", filter=open_ & Q(due_at__lt=now)),
            drafts=Count("pk", filter=open_ & Q(draft_saved_at__isnull=False)),
            submitted_30_days=Count("pk", filter=Q(submitted_at__gte=month_ago)),
            disputed=Count("pk", filter=Q(status=EvaluationStatus.DISPUTED)),
        )
        .order_by("reviewer__username")
    )
    return [_workload_row(r) for r in rows]


def _workload_row(row: dict[str, Any]) -> dict[str, Any]:
    first, last = row.pop("reviewer__first_name"), row.pop("reviewer__last_name")
    # The name the other QA pages show; the username stays for the API's clients.
    name = f"{first} {last}".strip()
    return {"reviewer": row.pop("reviewer__username"), "reviewer_name": name, **row}


# --- Sampling periods -----------------------------------------------------------------------


def period_sample(period: SamplingPeriod) -> dict[str, Any]:
    """The draw of a week: what was assigned and, once the key is revealed, whether the
    sample re-derived from the key (`qa.services.sample_for_period`) is the same one."""
    drawn = sorted(
        {
            (e.stratum, str(e.interaction_id))
            for e in period_evaluations(period)
            if e.stratum != Stratum.DOUBLE_SCORE
        }
    )
    key = period.revealed_key
    rederived = None
    if key:
        sample = sample_for_period(period, key)
        rederived = sorted({(s, i) for s, pairs in sample.items() for _, i in pairs})
    return {
        "id": period.pk,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "commitment": period.commitment,
        "key": key,
        "drawn_at": period.drawn_at,
        "key_matches_commitment": key_matches(key, period.commitment) if key else None,
        "drawn": [{"stratum": s, "interaction": i} for s, i in drawn],
        "rederived_matches": rederived == drawn if rederived is not None else None,
    }


def period_evaluations(period: SamplingPeriod) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(period=period).select_related("interaction__agent")


# --- One evaluation, with the interaction in full -------------------------------------------

# What staff wrote or said in an interaction, screened afresh for the reviewer.
STAFF_TEXTS = ("greeting", "paraphrase", "recap", "text")


# The paraphrase restates the caller's problem in their words (C3): how warm it reads is not
# what it is for, so it gets the flags but not the "reads as curt" hint.
WITHOUT_WARMTH_HINT = frozenset({"paraphrase"})


def _screened(text: str, *, warmth_hint: bool = True) -> dict[str, Any]:
    screened = {"text": text, **screen(text, kind="message").as_dict()}
    if not warmth_hint:
        screened["hint"] = None
    return screened


def _interaction_in_full(interaction: Interaction, *, blind: bool) -> dict[str, Any]:
    message = getattr(interaction, "call_message", None)
    return {
        "id": str(interaction.pk),
        "kind": interaction.kind,
        "agent": None if blind or interaction.agent is None else interaction.agent.username,
        "started_at": interaction.started_at,
        "ended_at": interaction.ended_at,
        "language": interaction.language,
        "reason": interaction.reason,
        "outcome": interaction.outcome,
        "caller_words": interaction.caller_words,
        "paraphrase_confirmed": interaction.paraphrase_confirmed,
        "texts": {
            name: _screened(getattr(interaction, name), warmth_hint=name not in WITHOUT_WARMTH_HINT)
            for name in STAFF_TEXTS
            if getattr(interaction, name)
        },
        "stored_flags": interaction.flags,
        "courtesy_score": interaction.courtesy_score,
        "override_reason": interaction.override_reason,
        "message": None
        if message is None
        else {
            "kind": message.kind,
            "caller_name": message.caller_name,
            "name_spelling_confirmed": message.name_spelling_confirmed,
            "organisation": message.organisation,
            "callback_number": message.callback_number,
            "message": message.message,
            "callback_preference": message.callback_preference,
            "callback_by": message.callback_by,
            "called_at": message.called_at,
        },
        "commitments": [
            {"kind": c.kind, "description": c.description, "due_at": c.due_at, "status": c.status}
            for c in interaction.commitments.all()
        ],
    }


def _request_in_full(service_request: ServiceRequest) -> dict[str, Any]:
    written = Interaction.objects.filter(
        requests=service_request,
        kind__in=[
            InteractionKind.PUBLIC_NOTE,
            InteractionKind.EMAIL_SENT,
            InteractionKind.SMS_SENT,
        ],
    ).order_by("started_at")
    return {
        "public_id": service_request.public_id,
        "service": service_request.service.name,
        "department": service_request.department.slug if service_request.department else None,
        "department_name": service_request.department.name if service_request.department else None,
        "status": service_request.status,
        "description": service_request.description,
        "promised_at": service_request.promised_at,
        "timeline": [
            {
                "kind": e.kind,
                "at": e.at,
                "actor": e.actor.username if e.actor else None,
                "public": e.public,
                "note": e.note,
            }
            for e in service_request.events.all()
        ],
        "messages_sent": [
            {
                "kind": m.kind,
                "channel": m.channel,
                "language": m.language,
                "subject": m.subject,
                "body": m.body,
                "status": m.status,
                "created_at": m.created_at,
                "sent_at": m.sent_at,
            }
            for m in service_request.outbox_messages.order_by("created_at", "pk")
        ],
        "written": [
            {"kind": w.kind, "at": w.started_at, **_screened(w.text)} for w in written if w.text
        ],
    }


def evaluation_workspace(evaluation: Evaluation) -> dict[str, Any]:
    """Everything a reviewer needs on one page: the interaction in full (call steps and notes,
    message taken, promises, each staff text with the screener's flags), each linked request
    with its timeline and the messages sent, and the rubric items with their wording beside
    the answers so far (the draft, until submitted)."""
    interaction = (
        Interaction.objects.select_related("agent", "call_message")
        .prefetch_related("commitments")
        .get(pk=evaluation.interaction_id)
    )
    requests = service_request_with_timeline(
        interaction.requests.select_related("service", "department")
    )
    answers = {a.item_id: a for a in evaluation.answers.all()}
    blind = evaluation.stratum == Stratum.CALIBRATION
    return {
        "evaluation": {
            "id": evaluation.pk,
            "status": evaluation.status,
            "stratum": evaluation.stratum,
            "reviewer": evaluation.reviewer.username,
            "due_at": evaluation.due_at,
            "draft_saved_at": evaluation.draft_saved_at,
            "submitted_at": evaluation.submitted_at,
            "respond_by": evaluation.respond_by,
            "score": evaluation.score,
            "passed": evaluation.passed,
            "critical_fail": evaluation.critical_fail,
            "agent_response": evaluation.agent_response,
            "arbitration_note": evaluation.arbitration_note,
        },
        "rubric": {
            **rubric_as_dict(evaluation.rubric.version),
            "answers": {
                i.code: {"value": answers[i.pk].value, "comment": answers[i.pk].comment}
                for i in evaluation.rubric.items.all()
                if i.pk in answers
            },
        },
        "interaction": _interaction_in_full(interaction, blind=blind),
        "requests": [_request_in_full(r) for r in requests],
    }
