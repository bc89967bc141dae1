"""QA reports in the browser: scorecards with their intervals, the monthly p-chart, the C12
pattern heat map, sampling periods (hash, draw, reveal), reviewer workload, the rubric.
Numbers come from qa.selectors exactly as the API gives them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.models import Department
from frontend.access import signed_in_staff, staff_page
from frontend.forms import UswdsForm
from frontend.templatetags.console_dates import console_date
from intake.models import Service
from qa import policies, selectors, workspace
from qa.models import SamplingPeriod
from qa.sampling import key_matches

HEAT_LEVELS = 6
CHARTJS = "vendor/chartjs-4.6.1"  # npm chart.js 4.6.1, the UMD build and its MIT licence


class ReportForm(UswdsForm):
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def period(self) -> tuple[date, date]:
        """The chosen days; by default the last 90, as in the API."""
        data = self.cleaned_data if self.is_valid() else {}
        end: date = data.get("end") or timezone.localdate()
        start: date = data.get("start") or end - timedelta(days=90)
        return (start, end) if start <= end else (end, start)


def _report_form(request: HttpRequest, by: list[tuple[str, Any]], default: str) -> ReportForm:
    form = ReportForm(request.GET or None)
    form.fields["by"] = forms.ChoiceField(
        label=_("Group by"), choices=by, required=False, initial=default
    )
    form.fields["by"].widget.attrs["class"] = "usa-select"
    return form


def _by(form: ReportForm, allowed: list[tuple[str, Any]], default: str) -> str:
    value = form.cleaned_data.get("by") if form.is_valid() else None
    return value if value in dict(allowed) else default


SCORECARD_GROUPS = [("agent", gettext_lazy("Agent")), ("department", gettext_lazy("Team"))]


@staff_page()
def scorecards(request: HttpRequest) -> HttpResponse:
    user = signed_in_staff(request)
    form = _report_form(request, SCORECARD_GROUPS, "agent")
    start, end = form.period()
    by = _by(form, SCORECARD_GROUPS, "agent")
    cards = selectors.scorecards_visible_to(user, start=start, end=end, by=by)
    trend = (
        selectors.pass_rate_trend(start=start, end=end) if policies.sees_team_reports(user) else []
    )
    names = _display_names(by, [str(c[by]) for c in cards])
    for card in cards:
        card["name"] = names.get(str(card[by]), card[by])
    chart = {
        "labels": [str(c["name"]) for c in cards],
        "rate": [c["pass_rate"] for c in cards],
        "low": [c["pass_rate_low"] for c in cards],
        "high": [c["pass_rate_high"] for c in cards],
        "shrunk": [c["pass_rate_shrunk"] for c in cards],
        "names": {
            "rate": _("Pass rate"),
            "shrunk": _("Empirical-Bayes estimate"),
            "interval": _("Wilson 95% interval"),
        },
    }
    pchart = {
        "labels": [console_date(m["month"], "month") for m in trend],
        "rate": [m["pass_rate"] for m in trend],
        "centre": [m["centre"] for m in trend],
        "lower": [m["lower"] for m in trend],
        "upper": [m["upper"] for m in trend],
        "names": {
            "rate": _("Pass rate"),
            "centre": _("Centre line"),
            "lower": _("Lower control limit"),
            "upper": _("Upper control limit"),
        },
    }
    context = {
        "form": form,
        "by": by,
        "start": start,
        "end": end,
        "cards": cards,
        "trend": trend,
        "chart": chart,
        "pchart": pchart,
        "chartjs": CHARTJS,
    }
    return render(request, "qa/scorecards.html", context)


def _display_names(by: str, keys: list[str]) -> dict[str, str]:
    """Scorecards are keyed by username or department slug; people read names."""
    if by == "agent":
        people = User.objects.filter(username__in=keys)
        return {u.username: u.get_full_name() or u.username for u in people}
    return dict(Department.objects.filter(slug__in=keys).values_list("slug", "name"))


PATTERN_GROUPS = [
    ("service", gettext_lazy("Service")),
    ("month", gettext_lazy("Month")),
    ("department", gettext_lazy("Department")),
]


def _column_names(by: str, keys: list[str]) -> dict[str, str]:
    if by == "month":
        return {k: console_date(k, "month") for k in keys if k}
    if by == "service":
        return dict(Service.objects.filter(code__in=keys).values_list("code", "name"))
    return _display_names("department", keys)


def heat_map(rows: list[dict[str, Any]], by: str) -> dict[str, Any]:
    """C-ids down, services (or months) across; each cell the fail rate and its shade."""
    columns = sorted({str(r[by] or "") for r in rows})
    names = _column_names(by, columns)
    c_ids = sorted({r["c_id"] for r in rows}, key=lambda c: int(c[1:]))
    cells = {(r["c_id"], str(r[by] or "")): r for r in rows}
    table = []
    for c_id in c_ids:
        line = []
        for column in columns:
            cell = cells.get((c_id, column))
            level = min(HEAT_LEVELS - 1, int(cell["fail_rate"] * HEAT_LEVELS)) if cell else None
            line.append({"cell": cell, "level": level})
        table.append({"c_id": c_id, "cells": line})
    return {"columns": [names.get(c, c) or _("Not recorded") for c in columns], "rows": table}


@staff_page(policies.sees_team_reports)
def patterns(request: HttpRequest) -> HttpResponse:
    form = _report_form(request, PATTERN_GROUPS, "service")
    start, end = form.period()
    by = _by(form, PATTERN_GROUPS, "service")
    rows = selectors.pattern_report(start=start, end=end, by=by)
    context = {
        "form": form,
        "by": by,
        "start": start,
        "end": end,
        "rows": rows,
        "heat": heat_map(rows, by),
        "levels": range(HEAT_LEVELS),
    }
    return render(request, "qa/patterns.html", context)


@staff_page()
def periods(request: HttpRequest) -> HttpResponse:
    """Published hashes, draws and revealed keys, checked here against each other."""
    listed = list(SamplingPeriod.objects.order_by("-starts_on")[:26])
    drawn = selectors.drawn_by_period([p.pk for p in listed])
    rows = [
        {
            "period": p,
            "key": p.revealed_key,
            "key_checks": p.revealed_key is not None and key_matches(p.key, p.commitment),
            "drawn": drawn.get(p.pk, {}),
        }
        for p in listed
    ]
    return render(request, "qa/periods.html", {"rows": rows})


@staff_page()
def period(request: HttpRequest, pk: int) -> HttpResponse:
    """One week's draw, and the same sample re-derived here from the revealed key."""
    found = get_object_or_404(SamplingPeriod, pk=pk)
    return render(request, "qa/period.html", {"sample": workspace.period_sample(found)})


@staff_page(policies.sees_team_reports)
def workload(request: HttpRequest) -> HttpResponse:
    return render(request, "qa/workload.html", {"rows": workspace.reviewer_workload()})


@staff_page()
def rubric(request: HttpRequest) -> HttpResponse:
    return render(request, "qa/rubric.html", {"rubric": workspace.rubric_as_dict()})
