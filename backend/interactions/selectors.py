"""Reads for calls, commitments and callers."""

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import CharField, F, Func, Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from core.contacts import phone_normalise
from core.errors import InvalidInput
from intake.models import ServiceRequest
from intake.selectors import service_requests_visible_to
from intake.statuses import CLOSED_STATUSES, OPEN_STATUSES
from interactions.models import (
    Commitment,
    CommitmentStatus,
    Interaction,
    InteractionKind,
)
from interactions.policies import readable_interactions


def calls_visible_to(user: User) -> QuerySet[Interaction]:
    calls = Interaction.objects.filter(kind=InteractionKind.PHONE_CALL).select_related(
        "agent", "call_message"
    )
    return calls.filter(readable_interactions(user))


def interactions_visible_to(user: User) -> QuerySet[Interaction]:
    return Interaction.objects.filter(readable_interactions(user))


def commitments_visible_to(user: User) -> QuerySet[Commitment]:
    commitments = Commitment.objects.select_related("owner", "made_by", "service_request")
    if user.is_city_admin:
        return commitments
    if user.role == Role.SUPERVISOR:
        return commitments.filter(department__in=user.departments.all()) | commitments.filter(
            owner=user
        )
    return commitments.filter(owner=user) | commitments.filter(made_by=user)


# Caller lookup (issue 15): an agent types whatever the caller gives (a phone number in any
# format, a name, an email, an address or a reference) and sees their requests and promises.

# A phone number is matched on its last ten digits: "+1 (608) 555-0123", "608.555.0123" and
# "0016085550123" are one caller, and a foreign number keeps enough digits to be told apart.
PHONE_KEY_DIGITS = 10
MIN_PHONE_DIGITS = 7
RECENT_DAYS = 180
_PHONE_LIKE = re.compile(r"^[\d\s()+.\-/]+$")
_REFERENCE_LIKE = re.compile(r"^[A-Za-z0-9]{1,4}-\d{3,}$")


def phone_key(raw: str) -> str | None:
    """The digits a stored phone number is indexed by, or None when too short to be one.
    Read as intake reads numbers (E.164 in the city's region) when it can be, so "00 44 …"
    and "+44 …" agree; numbers stored before intake normalised them match by their digits."""
    # Not a diallable number: its digits may still match an old record.
    with contextlib.suppress(InvalidInput):
        raw = phone_normalise(raw) or raw
    digits = re.sub(r"\D", "", raw)
    return digits[-PHONE_KEY_DIGITS:] if len(digits) >= MIN_PHONE_DIGITS else None


class PhoneKey(Func):
    """The same key in SQL. Literal, not parameters: the expression indexes on the requests'
    and calls' phone columns (migration interactions 0003) match it only as written here."""

    template = f"RIGHT(REGEXP_REPLACE(%(expressions)s, '[^0-9]', '', 'g'), {PHONE_KEY_DIGITS})"
    output_field = CharField()


@dataclass(frozen=True)
class Caller:
    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class CallerLookup:
    query: str
    searched_by: tuple[str, ...]
    open_requests: Sequence[ServiceRequest]
    recent_requests: Sequence[ServiceRequest]
    open_commitments: list[Commitment]
    callers: list[Caller]


def _caller_conditions(query: str) -> tuple[Q, tuple[str, ...], str | None]:
    """What the query can be, as one condition over requests, and the phone key if any."""
    text = query.strip()
    conditions, searched = Q(public_id=text.upper()), ["reference"]
    key = phone_key(text) if _PHONE_LIKE.match(text) else None
    if key is not None:
        conditions |= Q(requester_phone_key=key)
        searched.append("phone")
    elif "@" in text:
        conditions |= Q(requester_email__iexact=text)
        searched.append("email")
    elif not _REFERENCE_LIKE.match(text):
        words = text.replace(",", " ").split()
        if text[:1].isdigit():
            conditions |= Q(address__istartswith=text)
            searched.append("address")
        elif words:
            by_name = Q(requester_last_name__istartswith=words[-1])
            if "," in text:  # "Garcia, Maria"
                by_name = Q(requester_last_name__istartswith=words[0])
                words = [*words[1:], words[0]]
            if len(words) > 1:
                by_name &= Q(requester_first_name__istartswith=words[0])
            conditions |= by_name | Q(address__istartswith=text)
            searched += ["name", "address"]
    return conditions, tuple(searched), key


def _callers(requests: Sequence[ServiceRequest], calls: list[Interaction]) -> list[Caller]:
    seen: dict[tuple[str, str, str], Caller] = {}
    for r in requests:
        name = f"{r.requester_first_name} {r.requester_last_name}".strip()
        caller = Caller(name=name, phone=r.requester_phone, email=r.requester_email)
        if name or caller.phone or caller.email:
            seen.setdefault((name.lower(), caller.phone, caller.email.lower()), caller)
    for call in calls:
        caller = Caller(name=call.caller_name, phone=call.caller_phone, email="")
        seen.setdefault((call.caller_name.lower(), call.caller_phone, ""), caller)
    return list(seen.values())[:10]


def caller_lookup(*, user: User, query: str, limit: int = 20) -> CallerLookup:
    """The caller's open and recent requests (those this user may read) and open promises."""
    conditions, searched, key = _caller_conditions(query)
    matching = (
        service_requests_visible_to(user)
        .alias(requester_phone_key=PhoneKey("requester_phone"))
        .filter(conditions)
        # NULLS LAST (created_at is never null) keeps the planner off a backward scan of the
        # created_at index, which for a rare match reads most of the table: the contact
        # indexes find the caller's few requests, then they are sorted.
        .order_by(F("created_at").desc(nulls_last=True), "-id")
    )
    open_requests = list(matching.filter(status__in=OPEN_STATUSES)[:limit])
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    recent = list(matching.filter(status__in=CLOSED_STATUSES, created_at__gte=since)[:limit])
    calls: list[Interaction] = []
    if key is not None:
        calls = list(
            Interaction.objects.alias(caller_phone_key=PhoneKey("caller_phone"))
            .filter(kind=InteractionKind.PHONE_CALL, caller_phone_key=key)
            .order_by("-started_at")[:limit]
        )
    promises = Q(service_request__in=[r.pk for r in open_requests + recent])
    promises |= Q(interaction__in=[c.pk for c in calls])
    commitments = list(
        Commitment.objects.filter(promises, status=CommitmentStatus.OPEN)
        .select_related("owner", "service_request")
        .order_by("due_at")[:limit]
    )
    return CallerLookup(
        query=query,
        searched_by=searched,
        open_requests=open_requests,
        recent_requests=recent,
        open_commitments=commitments,
        callers=_callers(open_requests + recent, calls),
    )


def commitments_due_for(user: User, *, now: datetime | None = None) -> list[Commitment]:
    """The person's open promises that are overdue or due before the end of today (the
    city's day), most urgent first (C7)."""
    now = now or timezone.now()
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=0)
    return list(
        Commitment.objects.filter(owner=user, status=CommitmentStatus.OPEN, due_at__lte=end_of_day)
        .select_related("service_request", "interaction")
        .order_by("due_at")[:50]
    )
