"""Reads for calls, commitments and callers."""

import contextlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import CharField, F, Func, Q, QuerySet, Value
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
    # The language they last chose, so a call started from this row starts in it.
    language: str = ""


@dataclass(frozen=True)
class CallerLookup:
    query: str
    searched_by: tuple[str, ...]
    open_requests: Sequence[ServiceRequest]
    recent_requests: Sequence[ServiceRequest]
    open_commitments: list[Commitment]
    callers: list[Caller]
    # More requests match than are listed (the most recent are): the agent should narrow the
    # search with a first name, a phone number or an email.
    more_requests: bool = False


# Each way a query can match is read on its own, in one UNION ALL: an OR of them would read
# every match of the broadest (a common surname: tens of thousands of requests) and sort
# them. A branch on a reference, a phone, an email or an exact surname reads an index already
# in order of recency (migration interactions 0004) and stops after `limit` + 1 rows; a
# prefix (a surname still being typed, an address) stops after PREFIX_CAP rows in index
# order, and reaching the cap tells the agent to refine the search.
PREFIX_CAP = 50
NEWEST_FIRST = (F("created_at").desc(nulls_last=True), F("id").desc())


@dataclass(frozen=True)
class _Branch:
    condition: Q
    prefix: bool = False


def _name_branches(text: str) -> list[_Branch]:
    """ "Garcia", "Maria Garcia", "Garcia, Maria": the surname exactly, most recent first,
    and surnames starting with it (the agent may still be typing)."""
    words = text.replace(",", " ").split()
    surname, given = words[-1], words[:-1]
    if "," in text:  # "Garcia, Maria"
        surname, given = words[0], words[1:]
    by_given = Q(requester_first_name__istartswith=given[0]) if given else Q()
    return [
        _Branch(Q(requester_last_name__iexact=surname) & by_given),
        _Branch(Q(requester_last_name__istartswith=surname) & by_given, prefix=True),
    ]


def _caller_branches(query: str) -> tuple[list[_Branch], tuple[str, ...], str | None]:
    """What the query can be, one branch per kind of match, and the phone key if any."""
    text = query.strip()
    exact, searched = Q(public_id=text.upper()), ["reference"]
    key = phone_key(text) if _PHONE_LIKE.match(text) else None
    others: list[_Branch] = []
    if key is not None:
        exact |= Q(requester_phone_key=key)
        searched.append("phone")
    elif "@" in text:
        exact |= Q(requester_email__iexact=text)
        searched.append("email")
    elif text and not _REFERENCE_LIKE.match(text):
        if not text[:1].isdigit():
            others += _name_branches(text)
            searched.append("name")
        others.append(_Branch(Q(address__istartswith=text), prefix=True))
        searched.append("address")
    return [_Branch(exact), *others], tuple(searched), key


@dataclass(frozen=True)
class _Match:
    pk: int
    branch: int
    status: str
    created_at: datetime


def _matching(
    requests: QuerySet[ServiceRequest], branches: list[_Branch], limit: int
) -> tuple[list[_Match], bool]:
    """Matching open requests and recent closed ones (id, status, date: the whole rows are
    read only for those listed), every branch bounded, and whether a prefix branch was cut
    short (better matches may be left unread)."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    windows = [Q(status__in=OPEN_STATUSES), Q(status__in=CLOSED_STATUSES, created_at__gte=since)]
    parts = []
    for window in windows:
        for n, branch in enumerate(branches):
            found = requests.filter(window, branch.condition)
            # A prefix is read in its index's order, unsorted: any PREFIX_CAP of its matches.
            found = found.order_by() if branch.prefix else found.order_by(*NEWEST_FIRST)
            cap = PREFIX_CAP if branch.prefix else limit + 1
            found = found.annotate(branch=Value(n))
            parts.append(found.values_list("id", "branch", "status", "created_at")[:cap])
    rows = list(parts[0].union(*parts[1:], all=True))
    per_branch = Counter(n for _id, n, _status, _at in rows)
    capped = any(b.prefix and per_branch[n] >= PREFIX_CAP for n, b in enumerate(branches))
    unique = {pk: _Match(pk, n, status, at) for pk, n, status, at in rows}
    return list(unique.values()), capped


def _newest(matches: list[_Match], limit: int) -> tuple[list[int], bool]:
    ordered = sorted(matches, key=lambda m: (m.created_at, m.pk), reverse=True)
    return [m.pk for m in ordered[:limit]], len(ordered) > limit


def _callers(requests: Sequence[ServiceRequest], calls: list[Interaction]) -> list[Caller]:
    seen: dict[tuple[str, str, str], Caller] = {}
    for r in requests:
        name = f"{r.requester_first_name} {r.requester_last_name}".strip()
        caller = Caller(
            name=name,
            phone=r.requester_phone,
            email=r.requester_email,
            language=r.requester_language,
        )
        if name or caller.phone or caller.email:
            seen.setdefault((name.lower(), caller.phone, caller.email.lower()), caller)
    for call in calls:
        caller = Caller(
            name=call.caller_name, phone=call.caller_phone, email="", language=call.language
        )
        seen.setdefault((call.caller_name.lower(), call.caller_phone, ""), caller)
    return list(seen.values())[:10]


def caller_lookup(*, user: User, query: str, limit: int = 20) -> CallerLookup:
    """The caller's open and recent requests (those this user may read), the `limit` most
    recent of each, and their open promises."""
    branches, searched, key = _caller_branches(query)
    visible = service_requests_visible_to(user).alias(
        requester_phone_key=PhoneKey("requester_phone")
    )
    matches, capped = _matching(visible, branches, limit)
    open_ids, more_open = _newest([m for m in matches if m.status in OPEN_STATUSES], limit)
    recent_ids, more_recent = _newest([m for m in matches if m.status in CLOSED_STATUSES], limit)
    listed = [*open_ids, *recent_ids]
    by_id = {r.pk: r for r in visible.filter(pk__in=listed)} if listed else {}
    open_requests = [by_id[pk] for pk in open_ids if pk in by_id]
    recent = [by_id[pk] for pk in recent_ids if pk in by_id]
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
        more_requests=more_open or more_recent or capped,
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
