from collections.abc import Iterable

from django.db import transaction

from accounts.models import Role, User
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
