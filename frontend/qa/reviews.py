"""Reviews in the browser: the reviewer's queue and scoring, the agent's answer, arbitration
and coaching. Every write is a qa.services call; who sees what is qa.selectors and
qa.policies, as in the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from core.errors import InvalidInput
from frontend.access import signed_in_staff, staff_page
from frontend.qa import forms
from qa import policies, selectors, services, workspace
from qa.models import CoachingNote, Evaluation, EvaluationStatus, Stratum

TEXT_LABELS = {
    "greeting": _lazy("Greeting (C1)"),
    "caller_words": _lazy("The caller's words (C3)"),
    "paraphrase": _lazy("The agent's paraphrase (C3)"),
    "text": _lazy("Notes"),
    "recap": _lazy("Recap (C11)"),
}


def _texts(ws: dict[str, Any]) -> list[dict[str, Any]]:
    """The call's texts in the order they were spoken, each with its fresh screening; the
    caller's own words are shown but not screened (the agent did not say them)."""
    interaction = ws["interaction"]
    screened = interaction["texts"]
    texts = []
    for name, label in TEXT_LABELS.items():
        if name == "caller_words" and interaction["caller_words"]:
            words = {"text": interaction["caller_words"], "flags": [], "hint": None}
            texts.append({"label": label, "text": words})
        elif name in screened:
            texts.append({"label": label, "text": screened[name]})
    return texts


def _flags_when_logged(ws: dict[str, Any]) -> list[dict[str, Any]]:
    """Flags stored when the interaction was logged that today's screening of each text does
    not repeat (e.g. a call's recap checked against its request's reference)."""
    fresh = {f["rule"] for t in ws["interaction"]["texts"].values() for f in t["flags"]}
    return [f for f in ws["interaction"]["stored_flags"] or [] if f.get("rule") not in fresh]


def _evaluation(user: User, pk: int) -> Evaluation:
    try:
        return (
            selectors.evaluations_visible_to(user)
            .select_related("interaction__agent", "arbitrated_by", "session")
            .prefetch_related("answers__item", "rubric__items")
            .get(pk=pk)
        )
    except Evaluation.DoesNotExist as missing:
        raise Http404(_("No evaluation of yours with that number.")) from missing


def _saved(evaluation: Evaluation) -> dict[str, tuple[str, str]]:
    return {a.item.code: (a.value, a.comment) for a in evaluation.answers.all()}


def _may_respond(user: User, evaluation: Evaluation) -> bool:
    return (
        evaluation.status == EvaluationStatus.SUBMITTED
        and evaluation.interaction.agent_id == user.pk
        and (evaluation.respond_by is None or timezone.now() <= evaluation.respond_by)
    )


def _page(
    request: HttpRequest, evaluation: Evaluation, *, status: int = 200, **forms_in_use: Any
) -> HttpResponse:
    user = signed_in_staff(request)
    ws = workspace.evaluation_workspace(evaluation)
    items = list(evaluation.rubric.items.all())
    scoring = evaluation.status == EvaluationStatus.ASSIGNED and evaluation.reviewer_id == user.pk
    arbitrating = evaluation.status == EvaluationStatus.DISPUTED and policies.can_arbitrate(
        user, evaluation
    )
    agent = evaluation.interaction.agent
    context = {
        "evaluation": evaluation,
        "ws": ws,
        "texts": _texts(ws),
        "flags_when_logged": _flags_when_logged(ws),
        "agent_name": agent.get_full_name() or agent.username if agent else "",
        "items": items,
        "answers": {a.item_id: a for a in evaluation.answers.all()},
        "failing": selectors.FAILING,
        "blind": evaluation.stratum == Stratum.CALIBRATION,
        "scoring": scoring,
        "responding": _may_respond(user, evaluation),
        "arbitrating": arbitrating,
        "coaching": agent is not None and policies.can_coach(user, agent.pk, evaluation),
        "coaching_notes": CoachingNote.objects.filter(evaluation=evaluation).select_related(
            "author"
        ),
        "rubric_form": forms_in_use.get("rubric_form")
        or (forms.rubric_form(items, saved=_saved(evaluation)) if scoring or arbitrating else None),
        "response_form": forms_in_use.get("response_form") or forms.ResponseForm(),
        "arbitration_form": forms_in_use.get("arbitration_form") or forms.ArbitrationForm(),
        "coaching_form": forms_in_use.get("coaching_form") or forms.CoachingForm(),
    }
    return render(request, "qa/evaluation.html", context, status=status)


@staff_page(policies.can_review)
def queue(request: HttpRequest) -> HttpResponse:
    user = signed_in_staff(request)
    assigned = workspace.evaluations_assigned_to(user).select_related(
        "interaction__service", "session"
    )
    return render(request, "qa/queue.html", {"assigned": assigned, "now": timezone.now()})


@staff_page()
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _evaluation(signed_in_staff(request), pk))


@require_POST
@staff_page()
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_staff(request)
    found = _evaluation(user, pk)
    form = forms.rubric_form(found.rubric.items.all(), data=request.POST)
    form.is_valid()
    try:
        services.evaluation_submit(evaluation=found, reviewer=user, answers=form.answers())
    except InvalidInput as refused:
        form.refused(refused)
        return _page(request, found, status=400, rubric_form=form)
    messages.success(request, _("Evaluation submitted. The agent has been told."))
    if found.session_id is not None:
        return redirect("qa:calibration", pk=found.session_id)
    return redirect("qa:queue")


@require_POST
@staff_page()
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Save what the reviewer has so far. With htmx only the status line changes; without
    JavaScript the page comes back with the draft filled in."""
    user = signed_in_staff(request)
    found = _evaluation(user, pk)
    form = forms.rubric_form(found.rubric.items.all(), data=request.POST)
    form.is_valid()
    try:
        saved = services.evaluation_save_draft(
            evaluation=found, reviewer=user, answers=form.answers()
        )
    except InvalidInput as refused:
        if request.headers.get("HX-Request"):
            problems = [str(m) for messages_list in refused.errors.values() for m in messages_list]
            return render(request, "qa/_draft_status.html", {"problems": problems})
        form.refused(refused)
        return _page(request, found, status=400, rubric_form=form)
    if request.headers.get("HX-Request"):
        return render(request, "qa/_draft_status.html", {"saved_at": saved.draft_saved_at})
    messages.success(request, _("Draft saved. Nothing is sent until you submit."))
    return redirect("qa:evaluation", pk=found.pk)


@require_POST
@staff_page()
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_staff(request)
    found = _evaluation(user, pk)
    form = forms.ResponseForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if request.POST.get("answer") == "dispute":
            services.evaluation_dispute(evaluation=found, agent=user, reason=comment)
            messages.success(request, _("Dispute sent. A supervisor or QA will decide."))
        else:
            services.evaluation_acknowledge(evaluation=found, agent=user, comment=comment)
            messages.success(request, _("Evaluation acknowledged."))
    except InvalidInput as refused:
        forms.refuse(form, refused, reason="comment")
        return _page(request, found, status=400, response_form=form)
    return redirect("qa:evaluation", pk=found.pk)


@require_POST
@staff_page()
def arbitrate(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_staff(request)
    found = _evaluation(user, pk)
    if not policies.can_arbitrate(user, found):
        raise PermissionDenied(_("You cannot arbitrate this evaluation."))
    form = forms.ArbitrationForm(request.POST)
    rubric = forms.rubric_form(found.rubric.items.all(), data=request.POST)
    if not (form.is_valid() and rubric.is_valid()):
        return _page(request, found, status=400, arbitration_form=form, rubric_form=rubric)
    rescore = form.cleaned_data["decision"] == "rescore"
    try:
        services.evaluation_arbitrate(
            evaluation=found,
            arbiter=user,
            note=form.cleaned_data["note"],
            answers=rubric.answers() if rescore else None,
        )
    except InvalidInput as refused:
        forms.refuse(form, refused)
        rubric.refused(InvalidInput({k: v for k, v in refused.errors.items() if k != "note"}))
        return _page(request, found, status=400, arbitration_form=form, rubric_form=rubric)
    messages.success(request, _("Dispute decided. The agent and the reviewer have been told."))
    return redirect("qa:disputes")


@require_POST
@staff_page()
def coach(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_staff(request)
    found = _evaluation(user, pk)
    agent = found.interaction.agent
    if agent is None:
        raise Http404(_("This interaction has no agent to coach."))
    form = forms.CoachingForm(request.POST)
    if not form.is_valid():
        return _page(request, found, status=400, coaching_form=form)
    try:
        services.coaching_note_add(
            agent=agent,
            author=user,
            evaluation=found,
            c_ids=form.cleaned_data.get("c_ids") or [],
            text=form.cleaned_data.get("text") or "",
        )
    except InvalidInput as refused:
        forms.refuse(form, refused)
        return _page(request, found, status=400, coaching_form=form)
    messages.success(request, _("Coaching note saved."))
    return redirect("qa:evaluation", pk=found.pk)


@staff_page()
def mine(request: HttpRequest) -> HttpResponse:
    """The agent's side: evaluations of their own interactions, and coaching notes."""
    user = signed_in_staff(request)
    evaluations = workspace.evaluations_of_agent(user).select_related("interaction__service")
    notes = CoachingNote.objects.filter(agent=user).select_related("author").order_by("-created_at")
    return render(
        request,
        "qa/mine.html",
        {"evaluations": evaluations, "notes": notes, "now": timezone.now()},
    )


@staff_page(policies.sees_team_reports)
def disputes(request: HttpRequest) -> HttpResponse:
    """Disputes this person may decide: never their own case (qa.policies.can_arbitrate)."""
    disputed = workspace.disputes_to_arbitrate(signed_in_staff(request)).select_related(
        "interaction__service"
    )
    return render(request, "qa/disputes.html", {"disputed": disputed})
