"""One request's page: timeline, routing explanation, photos, the requester's contact (staff
only), and every action the API offers, through the same domain services."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import ChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from audit.policies import can_read_request_audit
from core.errors import InvalidInput
from frontend.access import signed_in_staff, staff_page
from frontend.forms import UswdsForm
from frontend.staff import forms as f
from frontend.staff.common import answer, is_htmx, show_errors
from frontend.staff.routing_words import routing_reason
from frontend.staff.timeline import timeline_lines
from intake import services
from intake.models import EventKind, ServiceRequest
from intake.policies import (
    can_add_note,
    can_override_transfer,
    can_view_request,
    can_work_request,
    ensure,
)
from intake.selectors import service_request_with_timeline
from intake.statuses import TRANSITIONS, Status
from notifications.selectors import resident_messages_about


@dataclass(frozen=True)
class OnDemand:
    """A rarer action's form: the page shows its heading as a link, and the form is rendered
    when asked for (htmx swaps it in; without scripts the link opens the page with it)."""

    heading: Promise
    button: Promise
    form: Callable[[ServiceRequest], UswdsForm]


ON_DEMAND = {
    "transfer": OnDemand(
        gettext_lazy("Transfer to another department"),
        gettext_lazy("Transfer"),
        lambda sr: f.TransferForm(owner=sr.department),
    ),
    "promise": OnDemand(
        gettext_lazy("New promised date (C7)"),
        gettext_lazy("Save the new date"),
        lambda sr: f.PromiseForm(),
    ),
    "duplicate": OnDemand(
        gettext_lazy("Merge as a duplicate"), gettext_lazy("Merge"), lambda sr: f.DuplicateForm()
    ),
}


def _request(request: HttpRequest, public_id: str) -> ServiceRequest:
    queryset = service_request_with_timeline(
        ServiceRequest.objects.select_related(
            "service", "department", "unit", "assignee", "duplicate_of"
        )
    )
    found = get_object_or_404(queryset, public_id=public_id)
    if not can_view_request(signed_in_staff(request), found):
        raise PermissionDenied(_("This request belongs to another department."))
    return found


def _routing(found: ServiceRequest) -> dict[str, Any] | None:
    """The latest routing decision (intake or transfer) and why."""
    for event in reversed(list(found.events.all())):
        if event.kind in (EventKind.ROUTED, EventKind.TRANSFERRED):
            return {"event": event, **(event.data or {})}
    return None


def _timeline(found: ServiceRequest) -> dict[str, Any]:
    """What the timeline shows (staff/requests/_live.html), also every 10 s on its own."""
    return {
        "events": timeline_lines(list(found.events.all())),
        "deliveries": resident_messages_about(found),
    }


def _context(request: HttpRequest, found: ServiceRequest, **forms: Any) -> dict[str, Any]:
    user = signed_in_staff(request)
    allowed = sorted(TRANSITIONS.get(found.status, frozenset()))
    status_form = forms.get("status_form") or f.StatusForm()
    choices = status_form.fields["status"]
    assert isinstance(choices, ChoiceField)
    # Only the moves the transition table allows from here (the service checks it again).
    # Nothing chosen at first: a note typed and sent must not move it to the first status.
    choices.choices = [("", _("Choose the new status"))] + [
        (c, label) for c, label in Status.choices if c in allowed
    ]
    context = {
        "swapped_in": is_htmx(request),  # a swapped-in part shows its own confirmation
        "sr": found,
        **_timeline(found),
        "why": routing_reason(found, _routing(found)),
        "may_see_engine": can_override_transfer(user),
        "may_work": can_work_request(user, found),
        "may_note": can_add_note(user, found),
        "may_audit": can_read_request_audit(user, found),
        "status_form": status_form,
        "note_form": forms.get("note_form") or f.NoteForm(),
        "assign_form": forms.get("assign_form")
        or f.AssignForm(department=found.department, initial={"assignee": found.assignee}),
        "on_demand": [_part(found, name, forms.get(f"{name}_form")) for name in ON_DEMAND],
    }
    return context


def _part(found: ServiceRequest, name: str, form: UswdsForm | None) -> dict[str, Any]:
    """One on-demand section: its form only when it was opened or posted with errors."""
    chosen = ON_DEMAND[name]
    return {"name": name, "heading": chosen.heading, "button": chosen.button, "form": form}


@require_GET
@staff_page()
def request_page(request: HttpRequest, public_id: str) -> HttpResponse:
    found = _request(request, public_id)
    if is_htmx(request):  # the timeline refreshing itself: no forms, no other policies
        return render(request, "staff/requests/_live.html", _timeline(found))
    return render(request, "staff/requests/request.html", _context(request, found))


@require_GET
@staff_page()
def action_form(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    """A rarer action's form, opened from its heading: the section for htmx, or the whole
    page with that form open (the link works without scripts)."""
    chosen = ON_DEMAND.get(action)
    if chosen is None:
        raise Http404
    found = _request(request, public_id)
    ensure(can_work_request(signed_in_staff(request), found), _("This request is not yours."))
    form = chosen.form(found)
    form.fields[next(iter(form.fields))].widget.attrs["autofocus"] = True  # typing goes there
    if is_htmx(request):
        context = {"sr": found, "part": _part(found, action, form)}
        return render(request, "staff/requests/_on_demand.html", context)
    return render(
        request, "staff/requests/request.html", _context(request, found, **{f"{action}_form": form})
    )


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@dataclass(frozen=True)
class Action:
    """One thing staff do to a request: the form that reads it, the domain service that does
    it (which checks the policy and the rules), and the confirmation."""

    form_name: str
    form: Callable[[HttpRequest, ServiceRequest], Any]
    run: Callable[[ServiceRequest, User, dict[str, Any]], Any]
    done: Promise


def _link_duplicate(sr: ServiceRequest, actor: User, data: dict[str, Any]) -> None:
    original = ServiceRequest.objects.filter(public_id=data["duplicate_of"].strip()).first()
    if original is None:
        raise InvalidInput.field("duplicate_of", _("No request with this reference."))
    services.service_request_link_duplicate(service_request=sr, duplicate_of=original, actor=actor)


ACTIONS = {
    "status": Action(
        "status_form",
        lambda rq, sr: f.StatusForm(rq.POST),
        lambda sr, actor, d: services.service_request_change_status(
            service_request=sr,
            to_status=d["status"],
            actor=actor,
            note=d["note"],
            courtesy_override_reason=d["courtesy_override_reason"],
        ),
        gettext_lazy("Status changed."),
    ),
    "notes": Action(
        "note_form",
        lambda rq, sr: f.NoteForm(rq.POST),
        lambda sr, actor, d: services.service_request_add_note(
            service_request=sr,
            text=d["text"],
            public=d["public"],
            actor=actor,
            courtesy_override_reason=d["courtesy_override_reason"],
        ),
        gettext_lazy("Note added."),
    ),
    "assign": Action(
        "assign_form",
        lambda rq, sr: f.AssignForm(rq.POST, department=sr.department),
        lambda sr, actor, d: services.service_request_assign(
            service_request=sr, actor=actor, unit=sr.unit, assignee=d["assignee"]
        ),
        gettext_lazy("Assignment saved."),
    ),
    "transfer": Action(
        "transfer_form",
        lambda rq, sr: f.TransferForm(rq.POST, owner=sr.department),
        lambda sr, actor, d: services.service_request_transfer(
            service_request=sr,
            actor=actor,
            reason=d["reason"],
            suggested_department=d["department"],
        ),
        gettext_lazy("Transferred. The resident has been told who has it now."),
    ),
    "promise": Action(
        "promise_form",
        lambda rq, sr: f.PromiseForm(rq.POST),
        lambda sr, actor, d: services.service_request_change_promise(
            service_request=sr, actor=actor, promised_at=d["promised_at"], reason=d["reason"]
        ),
        gettext_lazy("New date saved; the resident has been told why."),
    ),
    "duplicate": Action(
        "duplicate_form",
        lambda rq, sr: f.DuplicateForm(rq.POST),
        _link_duplicate,
        gettext_lazy("Merged into the original."),
    ),
}


def _after(request: HttpRequest, found: ServiceRequest) -> HttpResponse:
    if not can_view_request(signed_in_staff(request), ServiceRequest.objects.get(pk=found.pk)):
        # Transferred away: it is another department's now; back to one's own work.
        return _go(request, reverse("staff:home"))
    if is_htmx(request):
        fresh = _request(request, found.public_id)
        context = _context(request, fresh)
        return answer(request, page="", partial="staff/requests/_main.html", context=context)
    back = request.POST.get("next", "")
    if back.startswith("/staff/") and url_has_allowed_host_and_scheme(back, None):
        return redirect(back)  # e.g. the supervisor's list, one click per request
    return redirect("staff:request", public_id=found.public_id)


@require_POST
@staff_page()
def act(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise Http404
    found = _request(request, public_id)
    form = chosen.form(request, found)
    if form.is_valid():
        try:
            chosen.run(found, signed_in_staff(request), form.cleaned_data)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(request, str(chosen.done))
            return _after(request, found)
    return answer(
        request,
        page="staff/requests/request.html",
        partial="staff/requests/_main.html",
        context=_context(request, found, **{chosen.form_name: form}),
        status=422,
    )
