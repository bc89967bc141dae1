"""Who may log calls and keep promises."""

from accounts.models import Role, User
from interactions.models import Commitment, Interaction

CALL_TAKERS = {Role.AGENT, Role.DEPARTMENT_STAFF, Role.SUPERVISOR}


def can_log_calls(user: User) -> bool:
    return user.is_city_admin or user.role in CALL_TAKERS


def can_work_call(user: User, call: Interaction) -> bool:
    """A call is logged by the person on the phone."""
    return call.agent_id == user.pk


def can_resolve_commitment(user: User, commitment: Commitment) -> bool:
    """The owner, whoever made it, their department's supervisors, and admins."""
    if user.is_city_admin or user.pk in (commitment.owner_id, commitment.made_by_id):
        return True
    return (
        user.role == Role.SUPERVISOR
        and commitment.department_id is not None
        and user.departments.filter(pk=commitment.department_id).exists()
    )
