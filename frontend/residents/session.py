"""A resident's sign-in (my requests) in their session: only the address and since when."""

from datetime import datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone

SESSION_EMAIL = "resident_email"
SESSION_SINCE = "resident_signed_in_at"
SIGNED_IN_FOR = timedelta(hours=12)


def signed_in_email(request: HttpRequest) -> str:
    """The resident's address while their sign-in lasts, else ""."""
    email = request.session.get(SESSION_EMAIL, "")
    since = request.session.get(SESSION_SINCE, "")
    if not email or not since:
        return ""
    if datetime.fromisoformat(since) + SIGNED_IN_FOR < timezone.now():
        resident_sign_out(request)
        return ""
    return str(email)


def resident_sign_in(request: HttpRequest, email: str) -> None:
    request.session.cycle_key()  # a new session id for a new identity
    request.session[SESSION_EMAIL] = email
    request.session[SESSION_SINCE] = timezone.now().isoformat()


def resident_sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_EMAIL, None)
    request.session.pop(SESSION_SINCE, None)
