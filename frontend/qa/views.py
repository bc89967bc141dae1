from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.access import signed_in_staff, staff_page
from frontend.roles import role_name
from interactions.policies import can_log_calls
from qa import policies, selectors, workspace
from qa.models import EvaluationStatus


@staff_page()
def home(request: HttpRequest) -> HttpResponse:
    """Every member of staff may be evaluated, so each has a QA page; what it lists is
    decided by qa.policies and qa.selectors."""
    user = signed_in_staff(request)
    visible = selectors.evaluations_visible_to(user)
    context = {
        "role_name": role_name(user),
        "assigned_count": workspace.evaluations_assigned_to(user).count()
        if policies.can_review(user)
        else None,
        "to_answer_count": visible.filter(
            interaction__agent=user, status=EvaluationStatus.SUBMITTED
        ).count()
        if can_log_calls(user)
        else None,
        "disputes_count": workspace.disputes_to_arbitrate(user).count()
        if policies.sees_team_reports(user)
        else None,
    }
    return render(request, "qa/home.html", context)
