"""Who sees and does what in QA: agents their own evaluations, reviewers what is assigned to
them, supervisors their teams, QA admins everything."""

from accounts.models import Role, User
from qa.models import Evaluation


def is_qa_admin(user: User) -> bool:
    return user.is_city_admin or user.role == Role.QA_ADMIN


def sees_team_reports(user: User) -> bool:
    """Trends and pattern reports: supervisors and QA admins."""
    return is_qa_admin(user) or user.role == Role.SUPERVISOR


def can_review(user: User) -> bool:
    return user.role in (Role.QA_REVIEWER, Role.QA_ADMIN, Role.SUPERVISOR) or user.is_city_admin


def supervises(user: User, agent_id: int | None) -> bool:
    if user.role != Role.SUPERVISOR or agent_id is None:
        return False
    return User.objects.filter(pk=agent_id, departments__in=user.departments.all()).exists()


def can_arbitrate(user: User, evaluation: Evaluation) -> bool:
    agent_id = evaluation.interaction.agent_id
    if agent_id == user.pk or evaluation.reviewer_id == user.pk:
        return False  # nobody judges their own case
    return is_qa_admin(user) or supervises(user, agent_id)


def can_coach(user: User, agent_id: int | None, evaluation: Evaluation | None = None) -> bool:
    """Coaching notes come from the agent's supervisor, their reviewer or QA."""
    return (
        is_qa_admin(user)
        or supervises(user, agent_id)
        or (evaluation is not None and evaluation.reviewer_id == user.pk)
    )
