"""Who may log calls, read interactions and keep promises."""

from django.db.models import Q

from accounts.models import Role, User
from accounts.policies import member_of
from interactions.models import Commitment, Interaction

CALL_TAKERS = {Role.AGENT, Role.DEPARTMENT_STAFF, Role.SUPERVISOR}
READERS_OF_EVERY_INTERACTION = {Role.QA_ADMIN, Role.ADMIN}


def can_log_calls(user: User) -> bool:
    return user.is_city_admin or user.role in CALL_TAKERS


def can_work_call(user: User, call: Interaction) -> bool:
    """A call is logged by the person on the phone."""
    return call.agent_id == user.pk


def readable_interactions(user: User) -> Q:
    """The one rule for reading an interaction: its agent; a reviewer it is assigned to (for
    evaluation or calibration); the agent's supervisor; QA administrators and admins."""
    if user.is_city_admin or user.role in READERS_OF_EVERY_INTERACTION:
        return Q()
    # Subqueries rather than joins: the list needs no DISTINCT.
    readable = Q(agent=user) | Q(
        pk__in=Interaction.objects.filter(evaluations__reviewer=user).values("pk")
    )
    if user.role == Role.SUPERVISOR:
        readable |= Q(
            agent__in=User.objects.filter(departments__in=user.departments.all()).values("pk")
        )
    return readable


def can_read_interaction(user: User, interaction: Interaction) -> bool:
    return Interaction.objects.filter(readable_interactions(user), pk=interaction.pk).exists()


def can_resolve_commitment(user: User, commitment: Commitment) -> bool:
    """The owner, whoever made it, their department's supervisors, and admins."""
    if user.is_city_admin or user.pk in (commitment.owner_id, commitment.made_by_id):
        return True
    return (
        user.role == Role.SUPERVISOR
        and commitment.department_id is not None
        and member_of(user, commitment.department_id)
    )
