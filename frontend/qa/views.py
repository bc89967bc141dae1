from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.access import signed_in_staff, staff_page
from frontend.roles import role_name


@staff_page()
def home(request: HttpRequest) -> HttpResponse:
    """Every member of staff may be evaluated, so each has a QA page; what it lists is
    decided by qa.policies and qa.selectors."""
    user = signed_in_staff(request)
    return render(request, "qa/home.html", {"role_name": role_name(user)})
