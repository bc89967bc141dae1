"""Calibration in the browser: a QA administrator creates a blind session, each participant
scores on the ordinary evaluation page (agent names hidden), and once everyone has submitted
the agreement page compares them and records the consensus."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role, User
from core.errors import InvalidInput
from frontend.access import signed_in_staff, staff_page
from frontend.forms import UswdsForm
from frontend.qa.forms import item_choices, refuse
from interactions.models import Interaction
from interactions.selectors import interactions_visible_to
from qa import policies, selectors, services
from qa.models import CalibrationSession, EvaluationAnswer, EvaluationStatus
from qa.services import REVIEWABLE_KINDS

CANDIDATES = 40


class SessionForm(UswdsForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    interactions = forms.MultipleChoiceField(
        label=gettext_lazy("Interactions to score"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    participants = forms.MultipleChoiceField(
        label=gettext_lazy("Reviewers taking part"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recent = (
            interactions_visible_to(user)
            .filter(kind__in=REVIEWABLE_KINDS, agent__isnull=False)
            .select_related("service")
            .order_by("-started_at")[:CANDIDATES]
        )
        self.candidates = {str(i.pk): i for i in recent}
        interactions = self.fields["interactions"]
        participants = self.fields["participants"]
        assert isinstance(interactions, forms.ChoiceField)
        assert isinstance(participants, forms.ChoiceField)
        interactions.choices = [(pk, _candidate_label(i)) for pk, i in self.candidates.items()]
        self.reviewers = {
            u.username: u
            for u in User.objects.filter(
                role__in=[Role.QA_REVIEWER, Role.QA_ADMIN, Role.SUPERVISOR], is_active=True
            ).order_by("username")
        }
        participants.choices = [
            (name, u.get_full_name() or name) for name, u in self.reviewers.items()
        ]


def _candidate_label(interaction: Interaction) -> str:
    """Kind, local time, service and the screener's flags: enough to pick a mix."""
    parts = [
        f"{interaction.get_kind_display()}, {localtime(interaction.started_at):%Y-%m-%d %H:%M}"
    ]
    if interaction.service:
        parts.append(interaction.service.name)
    if interaction.flagged_c_ids:
        parts.append(_("flags %(c_ids)s") % {"c_ids": ", ".join(interaction.flagged_c_ids)})
    return " · ".join(parts)


def _session(user: User, pk: int) -> CalibrationSession:
    return get_object_or_404(selectors.calibration_sessions_visible_to(user), pk=pk)


@staff_page(policies.can_review)
def sessions(request: HttpRequest) -> HttpResponse:
    user = signed_in_staff(request)
    listed = []
    for session in selectors.calibration_sessions_visible_to(user).prefetch_related("evaluations"):
        evaluations = list(session.evaluations.all())
        done = sum(e.status != EvaluationStatus.ASSIGNED for e in evaluations)
        listed.append({"session": session, "done": done, "total": len(evaluations)})
    return render(
        request,
        "qa/calibrations.html",
        {"sessions": listed, "may_create": policies.is_qa_admin(user)},
    )


@staff_page(policies.is_qa_admin)
def create(request: HttpRequest) -> HttpResponse:
    user = signed_in_staff(request)
    form = SessionForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.calibration_session_create(
                title=form.cleaned_data["title"],
                created_by=user,
                interactions=[form.candidates[pk] for pk in form.cleaned_data["interactions"]],
                participants=[form.reviewers[n] for n in form.cleaned_data["participants"]],
            )
        except InvalidInput as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Calibration session created. Each reviewer scores blind."))
            return redirect("qa:calibration", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "qa/calibration_new.html", {"form": form}, status=status)


@staff_page(policies.can_review)
def session(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_staff(request)
    found = _session(user, pk)
    evaluations = list(found.evaluations.select_related("reviewer", "interaction"))
    context = {
        "session": found,
        "mine": [e for e in evaluations if e.reviewer_id == user.pk],
        "done": sum(e.status != EvaluationStatus.ASSIGNED for e in evaluations),
        "total": len(evaluations),
        "complete": services.calibration_is_complete(found),
        "agreement_visible": selectors.calibration_agreement_visible(found, user),
    }
    return render(request, "qa/calibration.html", context)


def _side_by_side(found: CalibrationSession, user: User) -> dict[str, Any]:
    """Reviewers' names, {(item code, interaction id, reviewer): answer} and the consensus
    so far, from the scores this person may see."""
    names: dict[int, str] = {}
    answers: dict[tuple[str, str, int], EvaluationAnswer] = {}
    for evaluation in selectors.calibration_scores_visible(found, user):
        reviewer = evaluation.reviewer
        names[reviewer.pk] = reviewer.get_full_name() or reviewer.username
        for a in evaluation.answers.all():
            answers[(a.item.code, str(evaluation.interaction_id), reviewer.pk)] = a
    consensus = {
        (c.item.code, str(c.interaction_id)): c for c in found.consensus.select_related("item")
    }
    return {"names": names, "answers": answers, "consensus": consensus}


def _rows(found: CalibrationSession, result: dict[str, Any], sides: dict[str, Any]) -> list[Any]:
    """One row per rubric item: its statistics, then per interaction each reviewer's answer
    in the same column order; divergent items first, then the rubric's order."""
    items = {i.code: i for i in found.rubric.items.all()}
    interactions = list(found.interactions.order_by("started_at"))
    reviewers = sorted(sides["names"], key=lambda pk: sides["names"][pk])
    rows = []
    for stats in result["items"]:
        item = items[stats["item"]]
        per_interaction = [
            {
                "interaction": i,
                "answers": [sides["answers"].get((item.code, str(i.pk), r)) for r in reviewers],
                "consensus": sides["consensus"].get((item.code, str(i.pk))),
            }
            for i in interactions
        ]
        rows.append(
            {
                "stats": stats,
                "item": item,
                "choices": item_choices(item),
                "per_interaction": per_interaction,
            }
        )
    rows.sort(key=lambda row: (not row["stats"]["divergent"], row["item"].order))
    return rows


@staff_page(policies.can_review)
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_staff(request)
    found = _session(user, pk)
    if not selectors.calibration_agreement_visible(found, user):
        raise PermissionDenied(_("Agreement is shown once everyone has submitted."))
    evaluations = list(found.evaluations.prefetch_related("answers__item"))
    result = selectors.agreement(evaluations)
    sides = _side_by_side(found, user)
    rows = _rows(found, result, sides)
    context = {
        "session": found,
        "result": result,
        "by_order": sorted(rows, key=lambda row: row["item"].order),
        "divergent": [r for r in rows if r["stats"]["divergent"]],
        "agreed": [r for r in rows if not r["stats"]["divergent"]],
        "reviewers": sorted(sides["names"].values()),
        "complete": services.calibration_is_complete(found),
        "may_record": policies.is_qa_admin(user),
    }
    return render(request, "qa/agreement.html", context)


@require_POST
@staff_page(policies.is_qa_admin)
def consensus(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_staff(request)
    found = _session(user, pk)
    try:
        interaction_id = uuid.UUID(request.POST.get("interaction", ""))
    except ValueError as bad:
        raise Http404(_("That interaction is not part of this session.")) from bad
    interaction = found.interactions.filter(pk=interaction_id).first()
    if interaction is None:
        raise Http404(_("That interaction is not part of this session."))
    try:
        services.calibration_consensus_record(
            session=found,
            actor=user,
            interaction=interaction,
            item_code=request.POST.get("item", ""),
            value=request.POST.get("value", ""),
            note=request.POST.get("note", "")[:2000],
        )
    except InvalidInput as refused:
        for messages_list in refused.errors.values():
            for message in messages_list:
                messages.error(request, str(message))
    else:
        messages.success(request, _("Consensus recorded."))
    return redirect("qa:agreement", pk=found.pk)
