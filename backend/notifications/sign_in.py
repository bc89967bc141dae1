"""Residents sign in to "my requests" with a one-time link sent by email: no password.

The link's token is random and only its SHA-256 digest is stored; it expires after
SIGN_IN_LINK_VALID_FOR and works once. Asking for a link answers the same whether or not
the address has requests (no one learns who reported what): the link is only written to
the outbox when there is something to show. Asking is limited per client address and per
email address with the project's counting throttles; the per-email limit is silent, for the
same reason.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import override

from core.contacts import email_clean
from core.errors import InvalidInput, RateLimited
from core.throttles import rate_limit_take
from intake.selectors import resident_has_requests
from notifications.models import Channel, MessageKind, OutboxMessage, SignInLink
from notifications.services import save_and_queue

SIGN_IN_LINK_VALID_FOR = timedelta(minutes=30)
ADDRESS_SCOPE = "resident_sign_in_address"
EMAIL_SCOPE = "resident_sign_in_email"
LANGUAGES = ("en", "es")
SUBJECTS = {
    "en": "Your link to your requests with {city} 3-1-1",
    "es": "Su enlace para ver sus solicitudes en 3-1-1 de {city}",
}


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in_link_send(*, email: str, language: str, client_address: str) -> None:
    """Send a one-time link to "my requests" if the address has any. Raises RateLimited
    when this client asked too often, InvalidInput when the address is not an address."""
    rate_limit_take(scope=ADDRESS_SCOPE, ident=client_address)
    email = email_clean(email)
    if not email:
        raise InvalidInput.field("email", "Give your email address.")
    try:
        rate_limit_take(scope=EMAIL_SCOPE, ident=token_digest(email.lower()))
    except RateLimited:
        return  # links already on their way to that inbox: answer as usual, send nothing
    if not resident_has_requests(email=email):
        return
    _link_write(email=email, language=language if language in LANGUAGES else "en")


@transaction.atomic
def _link_write(*, email: str, language: str) -> None:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    SignInLink.objects.create(
        digest=token_digest(token),
        email=email,
        language=language,
        created_at=now,
        expires_at=now + SIGN_IN_LINK_VALID_FOR,
    )
    values = {
        "city": settings.CIVIC311_CITY_NAME,
        "link": f"{settings.CIVIC311_PUBLIC_URL}/my-requests/sign-in/{token}/",
        "minutes": int(SIGN_IN_LINK_VALID_FOR.total_seconds() // 60),
    }
    with override(language):
        body = get_template(f"notifications/{language}/{MessageKind.SIGN_IN}.txt").render(values)
    save_and_queue(
        [
            OutboxMessage(
                kind=MessageKind.SIGN_IN,
                channel=Channel.EMAIL,
                recipient=email,
                language=language,
                subject=SUBJECTS[language].format_map(values),
                body=body.strip(),
                next_attempt_at=now,
            )
        ]
    )


def sign_in_link_find(*, token: str) -> SignInLink | None:
    """The link if it can still be used: known, not expired, not used."""
    return SignInLink.objects.filter(
        digest=token_digest(token), used_at=None, expires_at__gt=timezone.now()
    ).first()


@transaction.atomic
def sign_in_link_redeem(*, token: str) -> SignInLink | None:
    """Use the link (once): the resident's address, or None when it cannot be used."""
    link = (
        SignInLink.objects.select_for_update()
        .filter(digest=token_digest(token), used_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if link is None:
        return None
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return link
