from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.models import ApiTokenSecondFactor, Role, User
from accounts.policies import second_factor_required
from core.errors import InvalidInput
from core.models import Department


@transaction.atomic
def user_ensure(
    *,
    username: str,
    password: str,
    role: Role,
    departments: Iterable[Department] = (),
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create or update a staff user (used by the demo loader and provisioning scripts)."""
    user, _ = User.objects.get_or_create(username=username)
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.role = role
    user.is_staff = role == Role.ADMIN  # Django admin access
    user.is_superuser = role == Role.ADMIN
    user.set_password(password)
    user.save()
    user.departments.set(departments)
    return user


# The second factor (TOTP, django-otp). One confirmed device per person; enrolling again
# replaces an unconfirmed one, never a confirmed one (an administrator removes that).
TOTP_DEVICE_NAME = "Authenticator app"


@transaction.atomic
def second_factor_enrol(*, user: User) -> TOTPDevice:
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise InvalidInput.field("device", "A second factor is already set up for this account.")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device: TOTPDevice = TOTPDevice.objects.create(
        user=user, name=TOTP_DEVICE_NAME, confirmed=False
    )
    return device


@transaction.atomic
def second_factor_confirm(*, user: User, token: str) -> TOTPDevice:
    """The first code from the app proves the secret was copied correctly."""
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise InvalidInput.field("device", "Start the set-up again: no device is waiting.")
    if not _accepts(device, token):
        raise InvalidInput.field("token", "This code is not right or has expired; try the next.")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def second_factor_check(*, user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts this code, or None."""
    devices: list[TOTPDevice] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    return next((d for d in devices if _accepts(d, token)), None)


def _accepts(device: TOTPDevice, token: str) -> bool:
    # verify_token also refuses a code used before (replay) and throttles wrong guesses.
    return bool(device.verify_token(token.strip()))  # type: ignore[no-untyped-call]


def second_factor_has_device(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_pending(*, user: User) -> TOTPDevice | None:
    """The device being set up, so reloading the set-up page keeps the same secret."""
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device


# API tokens (DRF's, one per person). A token is a sign-in that lasts: for a role that
# requires the second factor it is issued only with a code, and bound to the device that
# gave it (accounts.policies.api_token_usable).
CODE_NEEDED_FOR_API = "Your role requires a code from your authenticator app (otp_token)."


@transaction.atomic
def api_token_issue(*, user: User, otp_token: str = "") -> Token:
    """The person's API token. With the second factor required, `otp_token` must be a code
    from their confirmed device; the token is then new, so a copy of one issued before (with
    a password alone, or with another device) stops working."""
    if not second_factor_required(user):
        token, _ = Token.objects.get_or_create(user=user)
        return token
    device = second_factor_check(user=user, token=otp_token) if otp_token.strip() else None
    if device is None:
        raise InvalidInput.field("otp_token", CODE_NEEDED_FOR_API)
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    ApiTokenSecondFactor.objects.create(token=token, device=device, verified_at=timezone.now())
    return token
