"""Sign-in rules for staff, and the departments a member of staff belongs to."""

from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from rest_framework.authtoken.models import Token

from accounts.models import ApiTokenSecondFactor, Role, RoleSecondFactor, User
from core.models import Department


def member_departments(user: User) -> list[Department]:
    """The person's departments by name, read once per user object: a request's user is
    loaded per request, so every policy asked while answering it (may they see, work, note,
    audit this request; their menu) shares one read. Changing them through
    `user.departments` (add, remove, set) forgets the list (Django's prefetch cache)."""
    by_name = Department.objects.order_by("name")
    prefetch_related_objects([user], Prefetch("departments", queryset=by_name))
    return list(user.departments.all())


def member_of(user: User, department_id: int | None) -> bool:
    return any(department.pk == department_id for department in member_departments(user))


# The second-factor rule answered in the query that loads the signed-in person (the session's
# user, or the API token with its user), so a request does not ask it again: the attributes
# below are read by second_factor_required and api_token_usable when present.
# (A superuser without a role, who counts as an administrator, is rare: asked apart.)
def second_factor_annotations(user_path: str = "") -> dict[str, Exists]:
    prefix = f"{user_path}__" if user_path else ""
    rules = RoleSecondFactor.objects.filter(required=True, role=OuterRef(f"{prefix}role"))
    return {"second_factor_for_role": Exists(rules)}


def token_annotations() -> dict[str, Exists]:
    issued_with_code = ApiTokenSecondFactor.objects.filter(
        token=OuterRef("pk"), device__user=OuterRef("user"), device__confirmed=True
    )
    return {**second_factor_annotations("user"), "issued_with_code": Exists(issued_with_code)}


def second_factor_required(user: User) -> bool:
    """Whether this person must confirm sign-in with a one-time code (per role, set by an
    administrator). A superuser without a role counts as an administrator."""
    role = user.role or (Role.ADMIN if user.is_superuser else "")
    if not role:
        return False
    known = getattr(user, "second_factor_for_role", None)
    if known is not None and user.role:
        return bool(known)
    return RoleSecondFactor.objects.filter(role=role, required=True).exists()


def api_token_usable(token: Token) -> bool:
    """An API token stands in for a sign-in: for a role that requires the second factor it is
    accepted only if it was issued with a code from the holder's device, still confirmed."""
    user = token.user
    if not isinstance(user, User):
        return True
    for name in second_factor_annotations():
        if hasattr(token, name):
            setattr(user, name, getattr(token, name))
    if not second_factor_required(user):
        return True
    known = getattr(token, "issued_with_code", None)
    if known is not None:
        return bool(known)
    return ApiTokenSecondFactor.objects.filter(
        token=token, device__user=user, device__confirmed=True
    ).exists()
