"""Who may read the audit trail: administrators everywhere, supervisors for the requests and
the people of their own departments."""

from accounts.models import Role, User
from intake.models import ServiceRequest
from intake.policies import can_view_request


def can_read_request_audit(viewer: User, service_request: ServiceRequest) -> bool:
    if viewer.is_city_admin:
        return True
    return viewer.role == Role.SUPERVISOR and can_view_request(viewer, service_request)


def can_read_user_audit(viewer: User, subject: User) -> bool:
    if viewer.is_city_admin:
        return True
    if viewer.role != Role.SUPERVISOR:
        return False
    mine = viewer.departments.values_list("pk", flat=True)
    return viewer.pk == subject.pk or subject.departments.filter(pk__in=mine).exists()
