"""Sign-in rules for staff."""

from rest_framework.authtoken.models import Token

from accounts.models import ApiTokenSecondFactor, Role, RoleSecondFactor, User


def second_factor_required(user: User) -> bool:
    """Whether this person must confirm sign-in with a one-time code (per role, set by an
    administrator). A superuser without a role counts as an administrator."""
    role = user.role or (Role.ADMIN if user.is_superuser else "")
    if not role:
        return False
    return RoleSecondFactor.objects.filter(role=role, required=True).exists()


def api_token_usable(token: Token) -> bool:
    """An API token stands in for a sign-in: for a role that requires the second factor it is
    accepted only if it was issued with a code from the holder's device, still confirmed."""
    user = token.user
    if not isinstance(user, User) or not second_factor_required(user):
        return True
    return ApiTokenSecondFactor.objects.filter(
        token=token, device__user=user, device__confirmed=True
    ).exists()
