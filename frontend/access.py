"""Who may open a staff or QA page: the same policy functions the API asks, never a copy.

`staff_page(policy)` wraps a view: a visitor who is not signed in goes to the sign-in
page; a signed-in user without a staff role (the API's `IsStaffMember` rule) or for whom
`policy(user)` is false gets the product's 403 page. Per-object checks stay in the view,
through the domain's policies (e.g. `intake.policies.can_view_request`) and `ensure`.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import second_factor_required

View = TypeVar("View", bound=Callable[..., HttpResponse])
Policy = Callable[[User], bool]


def anyone_on_staff(user: User) -> bool:
    return True


def staff_page(policy: Policy = anyone_on_staff) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            user = request.user
            # `has_staff_role` is the rule behind the API's IsStaffMember permission.
            if not (isinstance(user, User) and user.has_staff_role and policy(user)):
                raise PermissionDenied(_("This page is not part of your role."))
            if needs_second_factor(request, user):
                return redirect_to_login(request.get_full_path(), "staff:second-factor")
            return view(request, *args, **kwargs)

        return cast(View, wrapped)

    return decorate


def needs_second_factor(request: HttpRequest, user: User) -> bool:
    """Signed in with a password only, in a role an administrator requires a code of."""
    verified = getattr(user, "is_verified", lambda: False)()  # django-otp's middleware
    return not verified and second_factor_required(user)


def signed_in_staff(request: HttpRequest) -> User:
    """The member of staff viewing the page (`staff_page` guarantees one)."""
    user = request.user
    assert isinstance(user, User)
    return user
