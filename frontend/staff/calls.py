"""The agent's call screen: find the caller, walk the call step by step (C1, C3, C2, C7, C11)
with the script prompts, courtesy hints while typing, and the agent's promises due today."""

from collections.abc import Callable
from contextlib import suppress
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from core.errors import InvalidInput
from frontend.access import signed_in_staff, staff_page
from frontend.forms import UswdsForm
from frontend.staff import forms as f
from frontend.staff.common import answer, show_errors
from frontend.staff.script import CALL_STEPS, current_step
from intake.commands import IntakeCommand, Location, Requester
from intake.models import AttributeDatatype, Channel, Service, ServiceRequest
from intake.policies import can_view_request, ensure
from intake.selectors import service_requests_possible_duplicates
from intake.services import service_request_follow
from interactions import selectors, services
from interactions.models import CallOutcome, Interaction, MessageKind
from interactions.policies import can_log_calls
from qa.screener import TextKind, screen
from routing_adapter.selectors import service_suggestions


@require_GET
@staff_page(can_log_calls)
def desk(request: HttpRequest) -> HttpResponse:
    user = signed_in_staff(request)
    search = f.CallerSearchForm(request.GET or None)
    found = None
    if search.is_valid():
        found = selectors.caller_lookup(user=user, query=search.cleaned_data["q"])
    context = {
        "search": search,
        "found": found,
        "greeting": f.GreetingForm(initial={"greeting": _greeting(user)}),
        "commitments": selectors.commitments_due_for(user),
        "now": timezone.now(),
    }
    return answer(
        request, page="staff/calls/desk.html", partial="staff/calls/_lookup.html", context=context
    )


def _greeting(user: Any) -> str:
    name = user.get_short_name() or user.get_username()
    return _("%(city)s 3-1-1, this is %(name)s. How can I help you today?") % {
        "city": settings.CIVIC311_CITY_NAME,
        "name": name,
    }


@require_POST
@staff_page(can_log_calls)
def start(request: HttpRequest) -> HttpResponse:
    form = f.GreetingForm(request.POST)
    greeting = form.cleaned_data["greeting"] if form.is_valid() else ""
    agent = signed_in_staff(request)
    call = services.call_start(agent=agent, greeting=greeting)
    # Started from a caller found in the lookup: the caller step is taken with their details
    # (the walk then asks for the problem; the agent can still correct them on that step).
    details = request.POST.copy()
    # A request stored without a language we offer still gives the caller's name and number.
    if details.get("language") not in dict(settings.LANGUAGES):
        details["language"] = settings.LANGUAGE_CODE
    caller = f.CallerForm(details)
    # Refused details leave the walk on the caller step, empty, as for any call.
    if "caller_name" in request.POST and caller.is_valid():
        with suppress(InvalidInput):
            services.call_record_caller(call=call, agent=agent, **caller.cleaned_data)
    return redirect("staff:call", call_id=call.pk)


def _my_call(request: HttpRequest, call_id: UUID) -> Interaction:
    user = signed_in_staff(request)
    return get_object_or_404(selectors.calls_visible_to(user), pk=call_id)


def _call_context(call: Interaction, **extra: Any) -> dict[str, Any]:
    step = current_step(call)
    linked = list(call.requests.select_related("service", "department"))
    context = {
        "call": call,
        "steps": CALL_STEPS,
        "step": step,
        "linked": linked,
        "message_taken": getattr(call, "call_message", None),
        "caller_form": f.CallerForm(
            initial={
                "caller_name": call.caller_name,
                "caller_phone": call.caller_phone,
                "language": call.language,
            }
        ),
        "problem_form": f.ProblemForm(
            initial={
                "caller_words": call.caller_words,
                "paraphrase": call.paraphrase,
                "paraphrase_confirmed": call.paraphrase_confirmed,
            }
        ),
        "request_form": f.CallRequestForm(),
        "message_form": f.MessageForm(
            initial={"caller_name": call.caller_name, "callback_number": call.caller_phone}
        ),
        "end_form": f.EndForm(initial={"recap": _recap(linked), "outcome": _outcome(call, linked)}),
    }
    return context | extra


def _outcome(call: Interaction, linked: list[ServiceRequest]) -> str:
    """The outcome the walk so far points to, so the agent need not change it by hand."""
    if linked:
        return CallOutcome.REQUEST_CREATED
    taken = getattr(call, "call_message", None)
    if taken is not None:
        kind = CallOutcome.CALLBACK_PROMISED if taken.kind == MessageKind.CALLBACK else None
        return kind or CallOutcome.MESSAGE_TAKEN
    return CallOutcome.INFORMATION_GIVEN


def _recap(linked: list[ServiceRequest]) -> str:
    if not linked:
        return _("Thank you for calling %(city)s 3-1-1.") % {"city": settings.CIVIC311_CITY_NAME}
    first = linked[0]
    return _(
        "Your reference number is %(ref)s. %(dept)s will handle it; we expect it done by "
        "%(date)s. Thank you for calling %(city)s 3-1-1."
    ) % {
        "city": settings.CIVIC311_CITY_NAME,
        "ref": first.public_id,
        "dept": first.department.public_label(),
        # Read out to the caller: the day in the city's time, in words ("Wednesday 9 December").
        "date": date_format(timezone.localtime(first.promised_at), "l j F")
        if first.promised_at
        else _("soon"),
    }


@require_GET
@staff_page(can_log_calls)
def call_page(request: HttpRequest, call_id: UUID) -> HttpResponse:
    call = _my_call(request, call_id)
    return render(request, "staff/calls/call.html", _call_context(call))


def _step_answer(
    request: HttpRequest, call: Interaction, status: int = 200, **extra: Any
) -> HttpResponse:
    fresh = _my_call(request, call.pk)
    return answer(
        request,
        page="staff/calls/call.html",
        partial="staff/calls/_walk.html",
        context=_call_context(fresh, **extra),
        status=status,
    )


# What a step does with the validated form: the domain service, and what the walk shows next.
StepAction = Callable[[Interaction, User, dict[str, Any]], Any]


def _step(
    request: HttpRequest, call_id: UUID, form: UswdsForm, name: str, action: StepAction
) -> HttpResponse:
    """Every step of the walk: the agent's own call, the form's shape, the domain step, and
    the walk shown again (with the form's errors, as 422, when it was refused)."""
    call, agent = _my_call(request, call_id), signed_in_staff(request)
    if form.is_valid():
        try:
            result = action(call, agent, form.cleaned_data)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            return _step_answer(request, call, **(result if isinstance(result, dict) else {}))
    return _step_answer(request, call, status=422, **{name: form})


def _walk_step(
    form: type[UswdsForm], name: str, service: Callable[..., Any]
) -> Callable[[HttpRequest, UUID], HttpResponse]:
    """A step that is one domain service taking the form's fields as they are."""

    @require_POST
    @staff_page(can_log_calls)
    def view(request: HttpRequest, call_id: UUID) -> HttpResponse:
        def run(call: Interaction, agent: User, data: dict[str, Any]) -> Any:
            return service(call=call, agent=agent, **data)

        return _step(request, call_id, form(request.POST), name, run)

    return view


caller = _walk_step(f.CallerForm, "caller_form", services.call_record_caller)
message = _walk_step(f.MessageForm, "message_form", services.call_take_message)
end = _walk_step(f.EndForm, "end_form", services.call_end)


def _suggest(call: Interaction, agent: User, data: dict[str, Any]) -> dict[str, Any]:
    done = services.call_record_problem(call=call, agent=agent, **data)
    words = done.caller_words + "\n" + done.paraphrase
    return {"suggestions": service_suggestions(description=words)}


@require_POST
@staff_page(can_log_calls)
def problem(request: HttpRequest, call_id: UUID) -> HttpResponse:
    return _step(request, call_id, f.ProblemForm(request.POST), "problem_form", _suggest)


def _location(data: dict[str, Any]) -> Location:
    return Location.parse(lat=data["lat"], long=data["long"], address=data["address"] or "")


@require_POST
@staff_page(can_log_calls)
def duplicates(request: HttpRequest, call_id: UUID) -> HttpResponse:
    """The duplicate check before opening a request: open ones nearby, on a list and a map."""
    form = f.CallRequestForm(request.POST)

    def check(call: Interaction, agent: User, data: dict[str, Any]) -> dict[str, Any]:
        point = _location(data).point
        if point is None:
            raise InvalidInput.field("lat", _("Place the problem on the map to check."))
        found = service_requests_possible_duplicates(
            service=data["service"], location=point, visible_to=agent
        ).select_related("service", "department")
        return {
            "possible_duplicates": list(found),
            "request_form": form,
            "checked": True,
            "service_attributes": _questions(data["service"], request),
        }

    return _step(request, call_id, form, "request_form", check)


@require_POST
@staff_page(can_log_calls)
def open_request(request: HttpRequest, call_id: UUID) -> HttpResponse:
    form = f.CallRequestForm(request.POST)
    refused: dict[str, list[str]] = {}  # the answers the domain refused, by question code

    def create(call: Interaction, agent: User, data: dict[str, Any]) -> None:
        command = IntakeCommand(
            service=data["service"],
            channel=Channel.PHONE,
            location=_location(data) if data["lat"] is not None or data["address"] else Location(),
            description=data["description"],
            attributes=_answers(data["service"], request),
            requester=Requester(email=data["email"] or "", language=""),
        )
        try:
            services.call_create_request(call=call, agent=agent, command=command)
        except InvalidInput as error:
            answers = error.errors.get("attributes")
            if isinstance(answers, dict):
                refused.update(answers)
                # Named by the question the agent reads, not by its code.
                asked = {a.code: a.description for a in data["service"].attributes.all()}
                error.errors["attributes"] = {asked.get(c, c): m for c, m in answers.items()}
            raise

    response = _step(request, call_id, form, "request_form", create)
    # The form's own fields passed (a service was chosen) but the domain refused: ask the
    # service's questions again, with the answers given and each refusal under its question.
    service = getattr(form, "cleaned_data", {}).get("service")
    if response.status_code == 422 and service is not None:
        return _step_answer(
            request,
            _my_call(request, call_id),
            status=422,
            request_form=form,
            # Not `checked`: no duplicate check ran on this post, so none is reported.
            service_attributes=_questions(service, request, refused),
        )
    return response


def _answers(service: Service, request: HttpRequest) -> dict[str, Any]:
    """The answers to the service's questions as posted (the domain validates them)."""
    answers: dict[str, Any] = {}
    for attribute in service.attributes.filter(variable=True):
        name = f"attribute-{attribute.code}"
        if attribute.datatype == AttributeDatatype.MULTIVALUELIST:
            answers[attribute.code] = request.POST.getlist(name)
        elif request.POST.get(name, "") != "":
            answers[attribute.code] = request.POST[name]
    return answers


def _questions(
    service: Service, request: HttpRequest, refused: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    """The service's questions (Open311 attributes) to render, with any answer given and
    why it was refused."""
    return [
        {
            "attribute": attribute,
            "name": f"attribute-{attribute.code}",
            "given": request.POST.getlist(f"attribute-{attribute.code}"),
            "errors": (refused or {}).get(attribute.code, []),
        }
        for attribute in service.attributes.all()
    ]


@require_POST
@staff_page(can_log_calls)
def follow(request: HttpRequest, call_id: UUID, public_id: str) -> HttpResponse:
    """The caller's problem is already reported: the call links to it and they follow it."""
    existing = get_object_or_404(ServiceRequest, public_id=public_id)
    ensure(
        can_view_request(signed_in_staff(request), existing), _("This request is not yours to see.")
    )

    def link(call: Interaction, agent: User, data: dict[str, Any]) -> None:
        services.call_link_request(call=call, agent=agent, service_request=existing)
        service_request_follow(
            service_request=existing,
            actor=agent,
            phone=data["phone"] or call.caller_phone,
            email=data["email"] or "",
            language=call.language,
        )

    return _step(request, call_id, f.FollowForm(request.POST), "follow_form", link)


@require_POST
@staff_page()
def courtesy_hints(request: HttpRequest) -> HttpResponse:
    """The screener's flags and rewordings for text being typed (C4, C5, C6), before saving."""
    # The textarea being typed in sends itself under its own name, given as "field".
    text = request.POST.get(request.POST.get("field", "text"), "")[:4000]
    result = None
    kinds: dict[str, TextKind] = {"call_notes": "call_notes", "public_note": "public_note"}
    kind = kinds.get(request.POST.get("kind", ""), "public_note")
    if text.strip():
        result = screen(text, kind=kind)
    target = request.POST.get("target", "")
    context = {
        "screening": result,
        "public": kind == "public_note",
        "text": text,
        "target": target if target.isidentifier() else "",
    }
    return render(request, "staff/_courtesy_hints.html", context)
