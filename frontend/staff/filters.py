"""The queue page's filters (django-filter, as the API's request list): service, status,
district, assignee, due window, sort. What "overdue" and "at risk" mean comes from the
domain (intake.selectors), never from here."""

from datetime import timedelta
from typing import Any

import django_filters as filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.models import Area
from frontend.forms import UswdsForm
from intake.models import Service, ServiceRequest
from intake.selectors import at_risk_q, service_requests_overdue
from intake.statuses import OPEN_STATUSES, Status

DISTRICT_KIND = "council-district"
SORTS = {
    "due": (F("promised_at").asc(nulls_last=True), "-priority", "created_at", "id"),
    "priority": ("-priority", F("promised_at").asc(nulls_last=True), "id"),
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
}


class QueueFilter(filters.FilterSet):
    # The view narrows the services to the queue's own (work.selectors.queue_services).
    service = filters.ModelMultipleChoiceFilter(
        label=_("Service"),
        field_name="service__code",
        to_field_name="code",
        queryset=Service.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    status = filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=[(s, label) for s, label in Status.choices if s in OPEN_STATUSES],
        widget=forms.CheckboxSelectMultiple,
    )
    assignee = filters.ModelChoiceFilter(
        label=_("Assignee"),
        field_name="assignee",
        to_field_name="username",
        queryset=User.objects.all(),
        empty_label=_("Anyone"),
    )
    district = filters.ModelChoiceFilter(
        label=_("District"),
        queryset=Area.objects.filter(kind=DISTRICT_KIND).defer("geometry"),
        to_field_name="slug",
        method="filter_district",
        empty_label=_("Every district"),
    )
    due = filters.ChoiceFilter(
        label=_("Due"),
        choices=[
            ("overdue", _("Overdue")),
            ("at_risk", _("At risk")),
            ("today", _("Due today")),
            ("week", _("Due within 7 days")),
        ],
        method="filter_due",
        empty_label=_("Any date"),
    )
    # A checkbox: ticked lists the unassigned only; unticked filters nothing.
    unassigned = filters.BooleanFilter(
        label=_("Unassigned only"), widget=forms.CheckboxInput, method="filter_unassigned"
    )
    sort = filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[
            (k, label)
            for k, label in [
                ("due", _("Due date")),
                ("priority", _("Priority")),
                ("newest", _("Newest")),
                ("oldest", _("Oldest")),
            ]
        ],
        method="sort_by",
        empty_label=None,
    )

    class Meta:
        model = ServiceRequest
        fields: list[str] = []
        form = UswdsForm  # USWDS classes on every widget, as the console's other forms

    def filter_unassigned(
        self, queryset: QuerySet[ServiceRequest], name: str, value: bool | None
    ) -> QuerySet[ServiceRequest]:
        return queryset.filter(assignee__isnull=True) if value else queryset

    def filter_district(
        self, queryset: QuerySet[ServiceRequest], name: str, value: Area
    ) -> QuerySet[ServiceRequest]:
        return queryset.filter(location__coveredby=value.geometry)

    def filter_due(
        self, queryset: QuerySet[ServiceRequest], name: str, value: str
    ) -> QuerySet[ServiceRequest]:
        now = timezone.now()
        if value == "overdue":
            return service_requests_overdue(queryset, True)
        if value == "at_risk":
            return queryset.filter(at_risk_q(now))  # the queue annotates risk_point
        end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59)
        until = end_of_today if value == "today" else now + timedelta(days=7)
        return queryset.filter(Q(promised_at__lte=until))

    def sort_by(
        self, queryset: QuerySet[ServiceRequest], name: str, value: str
    ) -> QuerySet[ServiceRequest]:
        order: Any = SORTS.get(value, SORTS["due"])
        return queryset.order_by(*order)
