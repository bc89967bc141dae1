from typing import TYPE_CHECKING, Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from accounts.models import User
from intake import policies
from intake.models import ServiceRequest

if TYPE_CHECKING:  # DRF imports this module while rest_framework.views is loading
    from rest_framework.views import APIView


def _staff(request: Request) -> User | None:
    user = request.user
    if isinstance(user, User) and user.is_authenticated and user.has_staff_role:
        return user
    return None


class IsStaffMember(BasePermission):
    """Any authenticated member of city staff with a role."""

    message = "This API is for city staff with a role."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        return _staff(request) is not None


class ReadForStaffWriteForAdmins(IsStaffMember):
    message = "Only administrators can change the catalogue."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        user = _staff(request)
        if user is None:
            return False
        return request.method in SAFE_METHODS or user.is_city_admin


class CanSeeServiceRequest(IsStaffMember):
    message = "This request belongs to another department."

    def has_object_permission(self, request: Request, view: "APIView", obj: Any) -> bool:
        user = _staff(request)
        return (
            user is not None
            and isinstance(obj, ServiceRequest)
            and policies.can_view_request(user, obj)
        )


class IsSupervisorOrAdmin(IsStaffMember):
    message = "Only supervisors and administrators can see this report."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        user = _staff(request)
        return user is not None and policies.can_override_transfer(user)


def request_user(request: Request) -> User:
    """The member of staff making the request (the permission classes guarantee one)."""
    user = request.user
    assert isinstance(user, User)
    return user
