from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _

from accounts.models import User
from frontend.access import signed_in_staff, staff_page
from frontend.roles import lands_in_qa, role_name


@staff_page()
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_staff(request)
    return render(
        request,
        "staff/home.html",
        {"role_name": role_name(user), "departments": user.departments.order_by("name")},
    )


class LoginView(auth_views.LoginView):
    """Django's sign-in (it authenticates with the request, so lockout applies)."""

    template_name = "staff/registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        if isinstance(user, User) and lands_in_qa(user):
            return reverse("qa:home")
        return reverse("staff:home")


class LogoutView(auth_views.LogoutView):
    """Django's sign-out, then the sign-in page saying it is done (on a shared desk the next
    person sees the last one is out)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are signed out."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "staff/registration/password_reset_form.html"
    email_template_name = "staff/registration/password_reset_email.txt"
    subject_template_name = "staff/registration/password_reset_subject.txt"
    success_url = reverse_lazy("staff:password_reset_done")
    extra_email_context = {"site_name": settings.CIVIC311_CITY_NAME}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "staff/registration/password_reset_confirm.html"
    success_url = reverse_lazy("staff:password_reset_complete")
