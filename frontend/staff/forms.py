"""The shapes of the staff console's forms. Every rule stays in the domain services: these
only read the browser's fields; the services' errors are shown on them (common.show_errors)."""

import json
from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.models import Department
from frontend.forms import UswdsForm
from intake.models import Service
from intake.statuses import Status
from interactions.models import CallOutcome, MessageKind


def with_courtesy_hints(form: forms.Form, name: str, *, kind: str = "public_note") -> None:
    """The screener's hints appear under this textarea as it is typed (htmx, no inline JS);
    the hints container is `<id>-hints` (templates/staff/_field_with_hints.html)."""
    field_id = f"id_{form.add_prefix(name)}"
    attrs = form.fields[name].widget.attrs
    described = attrs.get("aria-describedby", "")
    attrs.update(
        {
            "hx-post": reverse("staff:courtesy-hints"),
            "hx-trigger": "input changed delay:400ms, load",
            "hx-target": f"#{field_id}-hints",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            "hx-vals": json.dumps(
                {"field": form.add_prefix(name), "kind": kind, "target": field_id}
            ),
            "aria-describedby": f"{described} {field_id}-hints".strip(),
        }
    )


class CallerSearchForm(UswdsForm):
    q = forms.CharField(
        label=_("Find a caller"),
        max_length=200,
        help_text=_("Phone number in any format, name, email, address or reference."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class GreetingForm(UswdsForm):
    greeting = forms.CharField(label=_("Greeting (C1)"), max_length=500, required=False)


class CallerForm(UswdsForm):
    caller_name = forms.CharField(label=_("Caller's name"), max_length=200, required=False)
    caller_phone = forms.CharField(label=_("Caller's phone"), max_length=40, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ProblemForm(UswdsForm):
    caller_words = forms.CharField(
        label=_("The problem in the caller's words"), max_length=4000, widget=forms.Textarea
    )
    paraphrase = forms.CharField(
        label=_("Your restatement (C3)"), max_length=4000, widget=forms.Textarea
    )
    paraphrase_confirmed = forms.BooleanField(
        label=_("The caller confirmed the restatement"), required=False
    )


class LocationForm(UswdsForm):
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.filter(is_active=True), to_field_name="code"
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    long = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)


class CallRequestForm(LocationForm):
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea
    )
    email = forms.EmailField(label=_("Caller's email for updates"), required=False)


class FollowForm(UswdsForm):
    phone = forms.CharField(label=_("Phone for updates"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email for updates"), required=False)


class MessageForm(UswdsForm):
    prefix = "message"  # the caller step's form on the same page has a caller_name too
    kind = forms.ChoiceField(label=_("Kind"), choices=MessageKind.choices)
    for_user = forms.ModelChoiceField(
        label=_("For a person"),
        queryset=User.objects.filter(is_active=True).exclude(role="").order_by("username"),
        to_field_name="username",
        required=False,
    )
    for_department = forms.ModelChoiceField(
        label=_("Or for a department"),
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        to_field_name="slug",
        required=False,
    )
    caller_name = forms.CharField(label=_("Caller's name"), max_length=200, required=False)
    name_spelling_confirmed = forms.BooleanField(
        label=_("Spelling of the name confirmed with the caller"), required=False
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    callback_number = forms.CharField(
        label=_("Callback number with area code"), max_length=40, required=False
    )
    message = forms.CharField(
        label=_("Message"), max_length=1000, required=False, widget=forms.Textarea
    )
    callback_preference = forms.CharField(
        label=_("When to call back, in the caller's words"), max_length=200, required=False
    )
    callback_by = forms.DateTimeField(
        label=_("Callback promised by"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class EndForm(UswdsForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with_courtesy_hints(self, "notes", kind="call_notes")
        with_courtesy_hints(self, "recap", kind="call_notes")

    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices)
    recap = forms.CharField(
        label=_("Recap with the reference and what happens next (C11)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea,
    )
    notes = forms.CharField(
        label=_("Call notes"), max_length=4000, required=False, widget=forms.Textarea
    )


# --- The request page and the queue ----------------------------------------------------------


class _OverrideMixin(UswdsForm):
    courtesy_override_reason = forms.CharField(
        label=_("Reason to send it as written (only if you keep a flagged wording)"),
        max_length=500,
        required=False,
    )


class StatusForm(_OverrideMixin):
    status = forms.ChoiceField(
        label=_("New status"), choices=[("", _("Choose the new status")), *Status.choices]
    )
    note = forms.CharField(
        label=_("Public note to the resident"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    field_order = ["status", "note", "courtesy_override_reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with_courtesy_hints(self, "note")


class NoteForm(_OverrideMixin):
    text = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    public = forms.TypedChoiceField(
        label=_("Who sees it"),
        choices=[("false", _("Internal: staff only")), ("true", _("Public: sent to the resident"))],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        initial="false",
    )
    field_order = ["text", "public", "courtesy_override_reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with_courtesy_hints(self, "text")


class AssignForm(UswdsForm):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        to_field_name="username",
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = department.members.filter(is_active=True).order_by("username")


class TransferForm(UswdsForm):
    department = forms.ModelChoiceField(
        label=_("To department"),
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Let routing choose"),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, owner: Department | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owner is not None:  # a request is never transferred to the department that has it
            field = self.fields["department"]
            assert isinstance(field, forms.ModelChoiceField)
            others = Department.objects.filter(is_active=True).exclude(pk=owner.pk)
            field.queryset = others.order_by("name")


class PromiseForm(UswdsForm):
    promised_at = forms.DateTimeField(
        label=_("New promised date"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(
        label=_("Reason, told to the resident (C7)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DuplicateForm(UswdsForm):
    duplicate_of = forms.CharField(label=_("Original request's reference"), max_length=32)


class BulkStatusForm(StatusForm):
    pass
