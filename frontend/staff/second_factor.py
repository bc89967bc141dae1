"""The second factor at sign-in (TOTP): set up once with an authenticator app, then a code at
each sign-in, for the roles an administrator requires it of (accounts.policies)."""

from base64 import b32encode

import django_otp
import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from accounts import services
from core.errors import InvalidInput
from frontend.access import signed_in_staff
from frontend.forms import UswdsForm
from frontend.staff.common import show_errors


class CodeForm(UswdsForm):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if safe else "/staff/"


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user = signed_in_staff(request)
    if not services.second_factor_has_device(user=user):
        return redirect("staff:second-factor-set-up")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_check(user=user, token=form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)  # type: ignore[no-untyped-call]
            return redirect(_next(request))
        form.add_error("token", _("This code is not right or has expired; try the next one."))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "next": _next(request)}
    return render(request, "staff/second_factor/verify.html", context, status=status)


def qr_code(config_url: str) -> str:
    """The otpauth:// link as a QR code, an SVG data URI (an image: nothing inline for the
    Content-Security-Policy to refuse, and no outside service sees the secret)."""
    return str(segno.make(config_url, error="m").svg_data_uri(scale=4, dark="#1b1b1b"))


@login_required
def set_up(request: HttpRequest) -> HttpResponse:
    user = signed_in_staff(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_confirm(user=user, token=form.cleaned_data["token"])
        except InvalidInput as error:
            show_errors(form, error)
        else:
            django_otp.login(request, device)  # type: ignore[no-untyped-call]
            return redirect(_next(request))
    try:
        device = services.second_factor_pending(user=user) or services.second_factor_enrol(
            user=user
        )
    except InvalidInput:  # already set up: sign in with a code instead
        return redirect("staff:second-factor")
    context = {
        "form": form,
        "secret": b32encode(device.bin_key).decode(),
        "config_url": device.config_url,
        "qr_code": qr_code(device.config_url),
        "next": _next(request),
    }
    return render(
        request, "staff/second_factor/set_up.html", context, status=400 if form.errors else 200
    )
