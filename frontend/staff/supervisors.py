"""Supervisor pages: requests at risk, late or escalated with one-click reassign or new date
(C7); the performance report with charts, a table and CSV; misroutes; delivery failures; the
audit trail per request and per person."""

from datetime import timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from api.serializers import ReportQuerySerializer
from audit import policies as audit_policies
from audit import selectors as audit_selectors
from frontend.access import signed_in_staff, staff_page
from frontend.staff import forms as f
from intake.models import ServiceRequest
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


def _report_query(request: HttpRequest) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    now = timezone.now()
    raw = {
        "group_by": request.GET.get("group_by", "department"),
        "since": request.GET.get("since") or (now - timedelta(days=30)).date().isoformat(),
        "until": request.GET.get("until") or (now + timedelta(days=1)).date().isoformat(),
    }
    # The API's own query rules (choices, dates, since before until): one definition.
    query = ReportQuerySerializer(data=raw)
    if query.is_valid():
        return dict(query.validated_data), raw
    return None, raw | {"errors": query.errors}


@require_GET
@staff_page(supervises)
def performance(request: HttpRequest) -> HttpResponse:
    query, raw = _report_query(request)
    rows = reports.performance_report(**query) if query else []
    return render(
        request,
        "staff/supervise/performance.html",
        {
            "rows": rows,
            "query": raw,
            "group_by": raw["group_by"],
            "columns": reports.PERFORMANCE_COLUMNS,
        },
        status=200 if query else 400,
    )


@require_GET
@staff_page(supervises)
def performance_csv(request: HttpRequest) -> HttpResponse:
    query, _raw = _report_query(request)
    if query is None:
        return HttpResponse(_("Check the dates and grouping."), status=400)
    body = reports.performance_report_csv(
        reports.performance_report(**query), group_by=query["group_by"]
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="performance-{query["group_by"]}.csv"'
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
