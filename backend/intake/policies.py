"""Who may do what to a service request. Services enforce these; interfaces ask them too."""

from django.core.exceptions import PermissionDenied

from accounts.models import Role, User
from accounts.policies import member_of
from intake.models import ServiceRequest

CREATORS = {Role.AGENT, Role.DEPARTMENT_STAFF, Role.SUPERVISOR, Role.ADMIN}
READERS_OF_EVERY_REQUEST = {Role.AGENT, Role.QA_REVIEWER, Role.QA_ADMIN, Role.ADMIN}


def _owns(user: User, service_request: ServiceRequest) -> bool:
    return member_of(user, service_request.department_id)


def can_view_request(user: User, service_request: ServiceRequest) -> bool:
    if user.is_city_admin or user.role in READERS_OF_EVERY_REQUEST:
        return True
    return user.is_department_bound and _owns(user, service_request)


def can_create_request(user: User) -> bool:
    return user.is_city_admin or user.role in CREATORS


def can_work_request(user: User, service_request: ServiceRequest) -> bool:
    """Change status, assign, link duplicates: the owning department (or an admin)."""
    if user.is_city_admin:
        return True
    return user.is_department_bound and _owns(user, service_request)


def can_add_note(user: User, service_request: ServiceRequest) -> bool:
    # Agents answer callers about any request, so they may add notes to any of them.
    return user.role == Role.AGENT or can_work_request(user, service_request)


def can_follow_for_caller(user: User) -> bool:
    """Subscribe someone else's email or phone to a request: agents do it for callers.
    Residents follow through the public channels; reviewers and departments do not."""
    return user.is_city_admin or user.role == Role.AGENT


def works_for(user: User, department_id: int) -> bool:
    """Admins, and staff and supervisors of that department: who may work its queue."""
    return user.is_city_admin or member_of(user, department_id)


def can_override_transfer(user: User) -> bool:
    """Send a request back to a department that declined it: supervisors and admins only."""
    return user.is_city_admin or user.role == Role.SUPERVISOR


def ensure(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
