"""A department's queue: counts, filters, sort, list and map of the same requests, claim
next, bulk status change; the list refreshes itself so colleagues' changes appear."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import InvalidInput
from core.models import Department
from frontend.access import signed_in_staff, staff_page
from frontend.staff import forms as f
from frontend.staff.common import answer, show_errors
from frontend.staff.filters import QueueFilter
from intake.policies import works_for
from work import selectors as work_selectors
from work import services as work_services

PAGE_SIZE = 25  # a screenful with its map; the API pages by 50


def _department(request: HttpRequest, slug: str) -> Department:
    department = get_object_or_404(Department, slug=slug)
    if not works_for(signed_in_staff(request), department.pk):
        raise PermissionDenied(_("This queue belongs to another department."))
    return department


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 1000))
    except ValueError:
        return 1


def _queue_context(request: HttpRequest, department: Department) -> tuple[dict[str, Any], int]:
    found = QueueFilter(
        request.GET or None,
        queryset=work_selectors.queue_requests(department=department),
        request=request,
    )
    # The staff's own departments' people and services only, in the choices.
    found.form.fields["assignee"].queryset = department.members.order_by("username")
    found.form.fields["service"].queryset = work_selectors.queue_services(department=department)
    if found.is_bound and not found.is_valid():
        rows: list[Any] = []
        has_next, status = False, 400
    else:
        page = _page_number(request)
        start = (page - 1) * PAGE_SIZE
        # The page's ids first, from the index in the queue's order, then those rows with
        # their service, unit and assignee: OFFSET skips index entries, not joined rows.
        ids = list(found.qs.values_list("pk", flat=True)[start : start + PAGE_SIZE + 1])
        by_id = {r.pk: r for r in found.qs.filter(pk__in=ids)} if ids else {}
        rows = [by_id[pk] for pk in ids if pk in by_id]
        has_next, status = len(rows) > PAGE_SIZE, 200
        rows = rows[:PAGE_SIZE]
    query = {k: v for k, v in request.GET.items() if k != "page"}
    filters = request.GET.copy()
    filters.pop("page", None)
    page = _page_number(request)
    context = {
        "department": department,
        "counts": work_selectors.queue_counts(department=department),
        "filter": found,
        "filters_key": filters.urlencode(),
        "rows": rows,
        "page": page,
        "previous_url": f"?{urlencode(query | {'page': page - 1})}" if page > 1 else "",
        "next_url": f"?{urlencode(query | {'page': page + 1})}" if has_next else "",
        "query": urlencode(query | {"page": page}),
        "bulk_form": f.BulkStatusForm(),
    }
    return context, status


@require_GET
@staff_page()
def queue(request: HttpRequest, department: str) -> HttpResponse:
    scope = _department(request, department)
    context, status = _queue_context(request, scope)
    return answer(
        request,
        page="staff/queues/queue.html",
        partial="staff/queues/_rows.html",
        context=context,
        status=status,
    )


@require_POST
@staff_page()
def claim_next(request: HttpRequest, department: str) -> HttpResponse:
    scope = _department(request, department)
    claimed = work_services.queue_claim_next(actor=signed_in_staff(request), department=scope)
    if claimed is None:
        messages.info(request, _("Nothing left to claim: every open request has someone."))
        return redirect("staff:queue", department=scope.slug)
    messages.success(request, _("%(ref)s is yours now.") % {"ref": claimed.public_id})
    return redirect("staff:request", public_id=claimed.public_id)


@require_POST
@staff_page()
def bulk_status(request: HttpRequest, department: str) -> HttpResponse:
    scope = _department(request, department)
    form = f.BulkStatusForm(request.POST)
    if form.is_valid():
        try:
            changed = work_services.requests_bulk_change_status(
                actor=signed_in_staff(request),
                public_ids=request.POST.getlist("requests"),
                to_status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                courtesy_override_reason=form.cleaned_data["courtesy_override_reason"],
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(request, _("%(n)d requests changed.") % {"n": len(changed)})
            return redirect("staff:queue", department=scope.slug)
    context, _status = _queue_context(request, scope)
    context["bulk_form"] = form
    return answer(
        request,
        page="staff/queues/queue.html",
        partial="staff/queues/queue.html",
        context=context,
        status=422,
    )
