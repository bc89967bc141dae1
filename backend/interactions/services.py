"""Logging a call step by step (C1, C2, C3, C7, C11) and keeping the promises made (C7)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import InvalidInput
from core.models import Department
from intake.commands import IntakeCommand
from intake.models import Channel, ServiceRequest
from intake.policies import ensure
from intake.services import service_request_submit
from interactions import policies
from interactions.commitments import (
    clean_text,
    commitment_make,
    commitment_resolve,
    commitment_send_reminder,
    commitments_mark_broken,
    commitments_remind_due,
)
from interactions.models import (
    CallMessage,
    CallOutcome,
    CommitmentKind,
    Interaction,
    InteractionKind,
    MessageKind,
)
from interactions.recording import SUBMISSION_KINDS, screening_fields
from qa.screener import screen

# Commitments live in interactions.commitments; re-exported here, where callers find them.
__all__ = [
    "call_create_request",
    "call_end",
    "call_link_request",
    "call_record_caller",
    "call_record_problem",
    "call_start",
    "call_take_message",
    "commitment_make",
    "commitment_resolve",
    "commitment_send_reminder",
    "commitments_mark_broken",
    "commitments_remind_due",
    "interactions_record_submissions",
]

# C2: a number with its area code (10 digits in North America) or an international one.
_DIGITS = re.compile(r"\d")


def _call_for_update(call: Interaction, agent: User) -> Interaction:
    locked = Interaction.objects.select_for_update().get(pk=call.pk)
    ensure(locked.kind == InteractionKind.PHONE_CALL, "This interaction is not a call.")
    ensure(policies.can_work_call(agent, locked), "Only the agent on the call can log it.")
    if locked.ended_at is not None:
        raise InvalidInput.field("call", "This call has ended.")
    return locked


@transaction.atomic
def call_start(*, agent: User, greeting: str = "", at: datetime | None = None) -> Interaction:
    """The call is answered (C1: the service's name, the agent's name, an offer to help)."""
    ensure(policies.can_log_calls(agent), "Your role does not take calls.")
    return Interaction.objects.create(
        kind=InteractionKind.PHONE_CALL,
        agent=agent,
        department=agent.departments.first(),
        started_at=at or timezone.now(),
        greeting=clean_text("greeting", greeting, limit=500),
    )


@transaction.atomic
def call_record_caller(
    *, call: Interaction, agent: User, caller_name: str, caller_phone: str, language: str
) -> Interaction:
    locked = _call_for_update(call, agent)
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput.field(
            "language", f"Choose one of: {', '.join(code for code, _ in settings.LANGUAGES)}."
        )
    locked.caller_name = clean_text("caller_name", caller_name, limit=200)
    locked.caller_phone = clean_text("caller_phone", caller_phone, limit=40)
    locked.language = language
    locked.save(update_fields=["caller_name", "caller_phone", "language"])
    return locked


@transaction.atomic
def call_record_problem(
    *,
    call: Interaction,
    agent: User,
    caller_words: str,
    paraphrase: str,
    paraphrase_confirmed: bool,
    reason: str = "",
) -> Interaction:
    """C3: the problem in the caller's words, the agent's restatement, and whether the caller
    confirmed it."""
    locked = _call_for_update(call, agent)
    locked.caller_words = clean_text("caller_words", caller_words, required=True)
    locked.paraphrase = clean_text("paraphrase", paraphrase, required=True)
    locked.paraphrase_confirmed = paraphrase_confirmed
    locked.reason = clean_text("reason", reason, limit=300) or locked.paraphrase[:300]
    locked.save(update_fields=["caller_words", "paraphrase", "paraphrase_confirmed", "reason"])
    return locked


@transaction.atomic
def call_create_request(
    *, call: Interaction, agent: User, command: IntakeCommand
) -> ServiceRequest:
    """Open the request on the call: routed, duplicate-checked, promised (C6, C7).

    The caller is the requester: the name, phone and language taken at the caller step carry
    into the request unless the agent gave others at the request step."""
    locked = _call_for_update(call, agent)
    if not locked.paraphrase_confirmed:
        raise InvalidInput.field(
            "paraphrase_confirmed",
            "Restate the problem and have the caller confirm it before opening a request (C3).",
        )
    given = command.requester
    requester = replace(
        given,
        first_name=given.first_name or locked.caller_name[:100],
        phone=given.phone or locked.caller_phone,
        language=given.language or locked.language,
    )
    submitted = service_request_submit(
        command=replace(command, channel=Channel.PHONE, requester=requester), actor=agent
    )
    service_request = submitted.service_request
    locked.requests.add(service_request)
    locked.service = service_request.service
    locked.save(update_fields=["service"])
    return service_request


@transaction.atomic
def call_link_request(
    *, call: Interaction, agent: User, service_request: ServiceRequest
) -> Interaction:
    """The call was about a request that already exists (a follow-up, or a duplicate found)."""
    locked = _call_for_update(call, agent)
    locked.requests.add(service_request)
    return locked


def _callback_number(value: str) -> str:
    value = clean_text("callback_number", value, required=True, limit=40)
    digits = len(_DIGITS.findall(value))
    if value.startswith("+") and 8 <= digits <= 15:
        return value
    if digits != 10 and not (digits == 11 and re.sub(r"\D", "", value).startswith("1")):
        raise InvalidInput.field(
            "callback_number",
            "Give the number with its area code (10 digits), or with + and the country code.",
        )
    return value


def _check_message(
    locked: Interaction,
    *,
    kind: str,
    caller_name: str,
    name_spelling_confirmed: bool,
    callback_number: str,
    message: str,
    callback_preference: str,
    addressed: bool,
    callback_by: datetime | None,
) -> str:
    """Every missing or wrong C2 field at once; the callback number as it will be stored."""
    number = ""
    errors: dict[str, list[str]] = {}
    if kind not in MessageKind.values:
        errors["kind"] = [f"Choose one of: {', '.join(MessageKind.values)}."]
    if not name_spelling_confirmed:
        errors["name_spelling_confirmed"] = ["Confirm the spelling of the caller's name (C2)."]
    if not addressed:
        errors["for_user"] = ["Say who the message is for: a person or a department."]
    if kind == MessageKind.CALLBACK:
        if callback_by is None:
            errors["callback_by"] = ["A callback needs the time it is promised by (C7)."]
        elif callback_by <= locked.started_at:
            errors["callback_by"] = ["The callback must be promised for after the call."]
    for name, value, limit in (
        ("caller_name", caller_name, 200),
        ("message", message, 1000),
        ("callback_preference", callback_preference, 200),
    ):
        if not value.strip():
            errors[name] = ["This is needed (C2)."]
        elif len(value.strip()) > limit:
            errors[name] = [f"At most {limit} characters."]
    try:
        number = _callback_number(callback_number)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    return number


@transaction.atomic
def call_take_message(
    *,
    call: Interaction,
    agent: User,
    kind: str,
    caller_name: str,
    name_spelling_confirmed: bool,
    callback_number: str,
    message: str,
    callback_preference: str,
    organisation: str = "",
    for_user: User | None = None,
    for_department: Department | None = None,
    callback_by: datetime | None = None,
) -> CallMessage:
    """C2: a message or callback with every field; a callback is a promise (C7)."""
    locked = _call_for_update(call, agent)
    number = _check_message(
        locked,
        kind=kind,
        caller_name=caller_name,
        name_spelling_confirmed=name_spelling_confirmed,
        callback_number=callback_number,
        message=message,
        callback_preference=callback_preference,
        addressed=for_user is not None or for_department is not None,
        callback_by=callback_by,
    )
    if hasattr(locked, "call_message"):
        raise InvalidInput.field("kind", "A message was already taken on this call.")
    taken = CallMessage.objects.create(
        interaction=locked,
        kind=kind,
        for_user=for_user,
        for_department=for_department,
        caller_name=caller_name.strip(),
        name_spelling_confirmed=True,
        organisation=clean_text("organisation", organisation, limit=200),
        callback_number=number,
        message=message.strip(),
        callback_preference=callback_preference.strip(),
        callback_by=callback_by,
        called_at=locked.started_at,
        taken_by=agent,
    )
    if kind == MessageKind.CALLBACK and callback_by is not None:
        commitment_make(
            kind=CommitmentKind.CALL_BACK,
            owner=for_user or agent,
            made_by=agent,
            department=for_department or (for_user.departments.first() if for_user else None),
            due_at=callback_by,
            description=f"Call {caller_name.strip()} back on {number}: {message.strip()[:200]}",
            interaction=locked,
            service_request=locked.requests.first(),
        )
    return taken


@transaction.atomic
def call_end(
    *,
    call: Interaction,
    agent: User,
    outcome: str,
    recap: str = "",
    notes: str = "",
    at: datetime | None = None,
) -> Interaction:
    """C11: the call closes with a recap; the notes are screened for QA (never blocked)."""
    locked = _call_for_update(call, agent)
    if outcome not in CallOutcome.values:
        raise InvalidInput.field("outcome", f"Choose one of: {', '.join(CallOutcome.values)}.")
    linked = list(locked.requests.all())
    message = getattr(locked, "call_message", None)
    if outcome == CallOutcome.REQUEST_CREATED and not linked:
        raise InvalidInput.field("outcome", "No request was opened on this call.")
    if outcome == CallOutcome.MESSAGE_TAKEN and message is None:
        raise InvalidInput.field("outcome", "Take the message first, with every C2 field.")
    if outcome == CallOutcome.CALLBACK_PROMISED and (
        message is None or message.kind != MessageKind.CALLBACK
    ):
        raise InvalidInput.field("outcome", "Record the callback first, with every C2 field.")
    locked.recap = clean_text("recap", recap)
    locked.text = clean_text("notes", notes)
    locked.outcome = outcome
    locked.ended_at = at or timezone.now()
    screening = screen(
        "\n".join(p for p in (locked.greeting, locked.text, locked.recap) if p), kind="call_notes"
    )
    fields = screening_fields(screening)
    flags = list(fields["flags"])  # type: ignore[call-overload]
    missing = [r.public_id for r in linked if r.public_id not in locked.recap]
    if missing and "C11" not in screening.c_ids:
        flags.append(
            {
                "c_id": "C11",
                "rule": "c11-reference-in-recap",
                "start": 0,
                "end": 0,
                "text": "",
                "severity": "low",
                "explanation": f"The recap does not give the reference {', '.join(missing)}.",
                "suggestion": "Read the reference number back to the caller before closing.",
            }
        )
    fields["flags"] = flags
    fields["flagged_c_ids"] = sorted({f["c_id"] for f in flags})
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    return locked


# How far back a missed submission is still recorded (the job runs every minute).
SUBMISSION_LOOKBACK = timedelta(days=2)


def interactions_record_submissions(*, batch: int = 1000) -> int:
    """Record recent web and app submissions as interactions; return how many.

    Done in bulk by a job a minute after the fact rather than by intake itself: neither the
    resident nor the answer needs the record, and a request and its link written one at a
    time cost intake two statements of its few."""
    since = timezone.now() - SUBMISSION_LOOKBACK
    through = Interaction.requests.through
    total = 0
    while True:
        with transaction.atomic():
            # Locked (and skipped when locked) so two runs never record one request twice.
            submissions = list(
                ServiceRequest.objects.select_for_update(
                    skip_locked=True, no_key=True, of=("self",)
                )
                .filter(channel__in=list(SUBMISSION_KINDS), created_at__gte=since)
                .exclude(interactions__kind__in=list(SUBMISSION_KINDS.values()))
                .only(
                    "channel",
                    "created_at",
                    "department",
                    "service",
                    "description",
                    "requester_language",
                )
                .order_by("created_at")[:batch]
            )
            records = [
                Interaction(
                    kind=SUBMISSION_KINDS[submission.channel],
                    started_at=submission.created_at,
                    ended_at=submission.created_at,
                    department_id=submission.department_id,
                    service_id=submission.service_id,
                    text=submission.description,
                    language=submission.requester_language,
                )
                for submission in submissions
            ]
            Interaction.objects.bulk_create(records)
            through.objects.bulk_create(
                through(interaction_id=record.pk, servicerequest_id=submission.pk)
                for record, submission in zip(records, submissions, strict=True)
            )
        total += len(submissions)
        if len(submissions) < batch:
            return total
