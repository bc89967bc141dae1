"""Duplicates and following: one problem, one request, every reporter told."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.contacts import email_clean, phone_normalise
from core.errors import InvalidInput
from intake import policies
from intake.models import EventKind, Follower, ServiceRequest
from intake.services.history import request_event_record, request_locked
from intake.services.status import move
from intake.statuses import Status, is_closed


@transaction.atomic
def service_request_link_duplicate(
    *,
    service_request: ServiceRequest,
    duplicate_of: ServiceRequest,
    actor: User,
) -> ServiceRequest:
    locked = request_locked(service_request)
    policies.ensure(
        policies.can_work_request(actor, locked),
        "Only the owning department can mark this request as a duplicate.",
    )
    # Read the parent fresh: the caller's copy may be stale. Chains point at the root request.
    parent = ServiceRequest.objects.get(pk=duplicate_of.pk)
    if parent.duplicate_of_id is not None:
        parent = ServiceRequest.objects.get(pk=parent.duplicate_of_id)
    if parent.pk == locked.pk:
        raise InvalidInput.field("duplicate_of", "A request cannot duplicate itself.")
    if is_closed(parent.status):
        raise InvalidInput.field("duplicate_of", "Link to a request that is still open.")
    now = timezone.now()
    note = f"This is the same problem as request {parent.public_id}; follow that one for updates."
    move(locked, to_status=Status.CLOSED_DUPLICATE, at=now, actor=actor, note=note)
    locked.duplicate_of = parent
    locked.save(update_fields=["duplicate_of"])
    if locked.requester_email or locked.requester_phone:
        Follower.objects.get_or_create(
            request=parent,
            email=locked.requester_email,
            phone=locked.requester_phone,
            defaults={"language": locked.requester_language, "from_request": locked},
        )
    request_event_record(
        service_request=locked,
        kind=EventKind.DUPLICATE_LINKED,
        at=now,
        actor=actor,
        public=True,
        data={"duplicate_of": parent.public_id},
    )
    return locked


@transaction.atomic
def service_request_follow(
    *,
    service_request: ServiceRequest,
    actor: User | None,
    email: str = "",
    phone: str = "",
    language: str = "en",
) -> Follower:
    """Someone whose problem is already reported follows it instead of filing again: a
    resident through a public channel (actor None), or an agent for a caller."""
    if actor is not None:
        policies.ensure(
            policies.can_follow_for_caller(actor), "Only agents add followers for callers."
        )
    errors: dict[str, list[str]] = {}
    try:
        email = email_clean(email)
    except InvalidInput as exc:
        errors.update(exc.errors)
    try:
        phone = phone_normalise(phone)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [f"Choose one of: {', '.join(c for c, _ in settings.LANGUAGES)}."]
    if errors:
        raise InvalidInput(errors)
    if not email and not phone:
        raise InvalidInput.field("email", "Give an email address or a phone number.")
    if is_closed(service_request.status):
        raise InvalidInput.field("request", "This request is closed; report the problem anew.")
    follower, _ = Follower.objects.get_or_create(
        request=service_request, email=email, phone=phone, defaults={"language": language}
    )
    return follower


@transaction.atomic
def service_request_unfollow(*, service_request: ServiceRequest, email: str) -> int:
    """A resident signed in with their email stops following a request; how many stopped."""
    deleted, _ = Follower.objects.filter(request=service_request, email__iexact=email).delete()
    return deleted
