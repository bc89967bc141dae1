"""Supervisor pages: requests at risk, late or escalated with one-click reassign or new date
(C7); the performance report with charts, a table and CSV; misroutes; delivery failures; the
audit trail per request and per person."""

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from audit import policies as audit_policies
from audit import selectors as audit_selectors
from core.errors import InvalidInput
from core.models import Department
from frontend.access import signed_in_staff, staff_page
from frontend.forms import UswdsForm
from frontend.staff import forms as f
from intake.models import Service, ServiceRequest
from intake.policies import can_override_transfer, ensure
from notifications.selectors import delivery_failures_visible_to
from routing_adapter.selectors import misroutes_by_rule
from work import reports
from work.selectors import requests_needing_attention

# The same rule as the API's reports and failure list (IsSupervisorOrAdmin).
supervises = can_override_transfer


@require_GET
@staff_page(supervises)
def attention(request: HttpRequest) -> HttpResponse:
    user = signed_in_staff(request)
    departments = None if user.is_city_admin else user.departments.all()
    rows = requests_needing_attention(departments=departments)
    forms = {
        r.public_id: {
            # Own ids per row, the request page's field names: the forms post there.
            "assign": f.AssignForm(
                department=r.department,
                auto_id=f"a-{r.public_id}-%s",
                initial={"assignee": r.assignee},
            ),
            "promise": f.PromiseForm(auto_id=f"p-{r.public_id}-%s"),
        }
        for r in rows
    }
    return render(
        request,
        "staff/supervise/attention.html",
        {"rows": [(r, forms[r.public_id]) for r in rows], "now": timezone.now()},
    )


class ReportForm(UswdsForm):
    group_by = forms.ChoiceField(choices=[(g, g) for g in reports.GROUPS], required=False)
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)


def _report(request: HttpRequest) -> tuple[list[dict[str, Any]] | None, dict[str, Any]]:
    """The report for the form's period (the last 30 days unless given), or None and why."""
    form = ReportForm(request.GET)
    today = timezone.localdate()
    raw: dict[str, Any] = {
        "group_by": request.GET.get("group_by") or "department",
        "since": request.GET.get("since") or (today - timedelta(days=30)).isoformat(),
        "until": request.GET.get("until") or (today + timedelta(days=1)).isoformat(),
    }
    if not form.is_valid():
        return None, raw | {"errors": form.errors}
    data = form.cleaned_data
    zone = timezone.get_current_timezone()
    since = data["since"] or today - timedelta(days=30)
    until = data["until"] or today + timedelta(days=1)
    try:
        rows = reports.performance_report(
            group_by=data["group_by"] or "department",
            since=datetime.combine(since, time.min, tzinfo=zone),
            until=datetime.combine(until, time.min, tzinfo=zone),
        )
    except InvalidInput as error:  # the domain's own rules: a known grouping, since < until
        return None, raw | {"errors": error.errors}
    return rows, raw


def _named(rows: list[dict[str, Any]], group_by: str) -> list[tuple[dict[str, Any], str]]:
    """Each row with the name staff know its department or service by (the report keys
    rows by slug and code, as the CSV and the API do)."""
    keys = {str(row.get(group_by, "")) for row in rows}
    names = dict(
        Service.objects.filter(code__in=keys).values_list("code", "name")
        if group_by == "service"
        else Department.objects.filter(slug__in=keys).values_list("slug", "name")
    )
    named = [
        (row, names.get(str(row.get(group_by, "")), str(row.get(group_by, "")))) for row in rows
    ]
    return sorted(named, key=lambda pair: pair[1].casefold())


@require_GET
@staff_page(supervises)
def performance(request: HttpRequest) -> HttpResponse:
    rows, raw = _report(request)
    return render(
        request,
        "staff/supervise/performance.html",
        {
            "rows": _named(rows or [], raw["group_by"]),
            "query": raw,
            "group_by": raw["group_by"],
        },
        status=200 if rows is not None else 400,
    )


@require_GET
@staff_page(supervises)
def performance_csv(request: HttpRequest) -> HttpResponse:
    rows, raw = _report(request)
    if rows is None:
        return HttpResponse(_("Check the dates and grouping."), status=400)
    group_by = raw["group_by"]
    body = reports.performance_report_csv(rows, group_by=group_by)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="performance-{group_by}.csv"'
    return response


@require_GET
@staff_page(supervises)
def misroutes(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/supervise/misroutes.html", {"rows": list(misroutes_by_rule())})


@require_GET
@staff_page(supervises)
def delivery_failures(request: HttpRequest) -> HttpResponse:
    rows = delivery_failures_visible_to(signed_in_staff(request))[:200]
    return render(request, "staff/supervise/failures.html", {"rows": rows})


@require_GET
@staff_page(supervises)
def request_audit(request: HttpRequest, public_id: str) -> HttpResponse:
    found = get_object_or_404(ServiceRequest, public_id=public_id)
    ensure(
        audit_policies.can_read_request_audit(signed_in_staff(request), found),
        _("Only supervisors of the owning department and administrators see this."),
    )
    entries = audit_selectors.audit_trail_for_request(found)
    return render(
        request, "staff/supervise/audit.html", {"subject": found.public_id, "entries": entries}
    )


@require_GET
@staff_page(supervises)
def user_audit(request: HttpRequest, username: str) -> HttpResponse:
    subject = User.objects.filter(username=username).first()
    if subject is None:
        raise Http404
    ensure(
        audit_policies.can_read_user_audit(signed_in_staff(request), subject),
        _("Only their supervisors and administrators see this."),
    )
    entries = audit_selectors.audit_trail_for_user(subject)
    return render(
        request, "staff/supervise/audit.html", {"subject": subject.username, "entries": entries}
    )
