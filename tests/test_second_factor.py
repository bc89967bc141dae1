"""Optional second factor (TOTP): an administrator requires it per role; a code from the app
confirms the set-up and each sign-in."""

from collections.abc import Callable

import pytest
from django_otp.oath import totp

from accounts.models import Role, RoleSecondFactor, User
from accounts.policies import second_factor_required
from accounts.services import second_factor_check, second_factor_confirm, second_factor_enrol
from core.errors import InvalidInput

pytestmark = pytest.mark.django_db


def _code(key_hex: str) -> str:
    return f"{totp(bytes.fromhex(key_hex)):06d}"  # type: ignore[no-untyped-call]


def test_required_only_for_the_roles_an_administrator_chose(
    make_user: Callable[..., User],
) -> None:
    supervisor, agent = make_user(Role.SUPERVISOR), make_user(Role.AGENT)
    assert not second_factor_required(supervisor)
    RoleSecondFactor.objects.create(role=Role.SUPERVISOR)
    RoleSecondFactor.objects.create(role=Role.AGENT, required=False)
    assert second_factor_required(supervisor)
    assert not second_factor_required(agent)


def test_set_up_is_confirmed_by_a_code_then_sign_in_codes_are_checked(
    make_user: Callable[..., User],
) -> None:
    user = make_user(Role.SUPERVISOR)
    device = second_factor_enrol(user=user)
    with pytest.raises(InvalidInput) as wrong:
        second_factor_confirm(
            user=user, token="000000" if _code(device.key) != "000000" else "111111"
        )
    assert "token" in wrong.value.errors
    assert second_factor_check(user=user, token=_code(device.key)) is None  # not confirmed yet
    second_factor_confirm(user=user, token=_code(device.key))
    with pytest.raises(InvalidInput):
        second_factor_enrol(user=user)  # one confirmed device; an administrator removes it
    device.refresh_from_db()
    device.last_t = -1  # the set-up code may be reused in the same 30 s step in this test
    device.save()
    assert second_factor_check(user=user, token=_code(device.key)) == device
