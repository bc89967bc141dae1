"""Role names as staff read them, in their language."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User

ROLE_NAMES: dict[str, Promise] = {
    Role.AGENT: _("Call-centre agent"),
    Role.DEPARTMENT_STAFF: _("Department staff"),
    Role.SUPERVISOR: _("Supervisor"),
    Role.QA_REVIEWER: _("QA reviewer"),
    Role.QA_ADMIN: _("QA administrator"),
    Role.ADMIN: _("Administrator"),
}


def role_name(user: User) -> Promise:
    if user.is_superuser and not user.role:
        return ROLE_NAMES[Role.ADMIN]
    return ROLE_NAMES.get(user.role, _("Staff"))


def lands_in_qa(user: User) -> bool:
    """QA reviewers and administrators start in the QA workspace, everyone else in the console."""
    return user.role in (Role.QA_REVIEWER, Role.QA_ADMIN)
