"""My requests: a resident signs in with a one-time link sent to their email (no password)
and sees what they reported and follow, follows or stops following.

The session holds only the address and when the link was used; it lasts
12 hours. The link is confirmed with a button (POST) so that mail scanners which open
every link in a message do not use it up."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import InvalidInput, RateLimited
from core.throttles import client_address
from frontend.errors import own_error_page
from frontend.residents import catalogue
from frontend.residents.forms import SignInForm
from frontend.residents.requests import found_request
from frontend.residents.session import resident_sign_in, resident_sign_out, signed_in_email
from frontend.residents.wording import domain_message, status_name
from intake.models import ServiceRequest
from intake.selectors import resident_requests_followed, resident_requests_reported
from intake.services import service_request_follow, service_request_unfollow
from intake.statuses import is_closed
from notifications.sign_in import sign_in_link_find, sign_in_link_redeem, sign_in_link_send


def _rows(requests: list[ServiceRequest]) -> list[dict[str, object]]:
    return [
        {
            "reference": r.public_id,
            "service": catalogue.card(r.service).name,
            "status": status_name(r.status),
            "is_open": not is_closed(r.status),
            "created_at": r.created_at,
        }
        for r in requests
    ]


def my_requests(request: HttpRequest) -> HttpResponse:
    """Signed in: the list. Otherwise: the address box, and the same answer for any address."""
    email = signed_in_email(request)
    if email:
        context = {
            "email": email,
            "reported": _rows(resident_requests_reported(email=email)),
            "followed": _rows(resident_requests_followed(email=email)),
        }
        return render(request, "residents/mine.html", context)
    form = SignInForm(request.POST or None)
    if request.method != "POST":
        return render(request, "residents/mine_sign_in.html", {"form": form})
    if not form.is_valid():
        return render(request, "residents/mine_sign_in.html", {"form": form}, status=400)
    try:
        sign_in_link_send(
            email=form.cleaned_data["email"],
            language=catalogue.language(),
            client_address=client_address(request) or "unknown",
        )
    except InvalidInput as exc:
        for problems in exc.errors.values():
            for problem in problems:
                form.add_error("email", domain_message(str(problem)))
        return render(request, "residents/mine_sign_in.html", {"form": form}, status=400)
    except RateLimited as exc:
        form.add_error(
            None,
            _("You have asked for many links. Please try again in %(minutes)d minutes.")
            % {"minutes": max(1, exc.wait // 60)},
        )
        return render(request, "residents/mine_sign_in.html", {"form": form}, status=429)
    return render(request, "residents/mine_sent.html", {"email": form.cleaned_data["email"]})


def sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the message: a button to use it (GET never uses it up)."""
    if request.method == "POST":
        link = sign_in_link_redeem(token=token)
        if link is not None:
            resident_sign_in(request, link.email)
            return redirect("my-requests")
    elif sign_in_link_find(token=token) is not None:
        return render(request, "residents/mine_confirm.html", {"token": token})
    context = {"form": SignInForm(), "expired": True}
    return own_error_page(render(request, "residents/mine_sign_in.html", context, status=404))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    resident_sign_out(request)
    messages.success(request, _("You are signed out."))
    return redirect("home")


def _signed_in_post(
    view: Callable[[HttpRequest, str, ServiceRequest], HttpResponse],
) -> Callable[[HttpRequest, str], HttpResponse]:
    """A POST by a signed-in resident about one request; others go to the sign-in page."""

    @require_POST
    @wraps(view)
    def wrapped(request: HttpRequest, reference: str) -> HttpResponse:
        email = signed_in_email(request)
        if not email:
            return redirect("my-requests")
        return view(request, email, found_request(reference))

    return wrapped


@_signed_in_post
def unfollow(request: HttpRequest, email: str, service_request: ServiceRequest) -> HttpResponse:
    service_request_unfollow(service_request=service_request, email=email)
    messages.success(
        request,
        _("You no longer follow request %(reference)s.") % {"reference": service_request.public_id},
    )
    return redirect("my-requests")


@_signed_in_post
def follow(request: HttpRequest, email: str, service_request: ServiceRequest) -> HttpResponse:
    """Follow with the address the resident signed in with (from the status page)."""
    try:
        service_request_follow(
            service_request=service_request,
            actor=None,
            email=email,
            language=catalogue.language(),
        )
    except InvalidInput as exc:
        for problems in exc.errors.values():
            for problem in problems:
                messages.error(request, domain_message(str(problem)))
    else:
        messages.success(
            request,
            _("You are following request %(reference)s. We will tell you when it changes.")
            % {"reference": service_request.public_id},
        )
    return redirect("request-status", reference=service_request.public_id)
