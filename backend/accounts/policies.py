"""Sign-in rules for staff."""

from accounts.models import Role, RoleSecondFactor, User


def second_factor_required(user: User) -> bool:
    """Whether this person must confirm sign-in with a one-time code (per role, set by an
    administrator). A superuser without a role counts as an administrator."""
    role = user.role or (Role.ADMIN if user.is_superuser else "")
    if not role:
        return False
    return RoleSecondFactor.objects.filter(role=role, required=True).exists()
