from collections.abc import Iterable

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
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
