"""The QA pages as their readers see them: an agent reads their own evaluations."""

import pytest
from django.template import Context, Template
from django.test import Client

from accounts.models import User
from core.models import Department
from intake.models import Service
from tests.qa_world import build

pytestmark = pytest.mark.django_db


def page_as(user: User, url: str) -> str:
    client = Client()
    client.force_login(user)
    return client.get(url).content.decode()


def test_an_agent_sees_what_awaits_their_answer_and_which_reviews_fell_short(
    triage: Department, pothole: Service
) -> None:
    world = build(triage, pothole)
    html = page_as(world.agent, "/qa/mine/")
    assert "Awaiting your answer" in html
    assert "awaiting the agent" not in html  # the agent is the reader
    passed = [e for e in world.earlier if e.passed]
    short = [e for e in world.earlier if not e.passed and not e.critical_fail]
    assert passed
    assert short
    assert "below the pass mark" in html


def test_the_evaluation_page_names_the_requests_department(
    triage: Department, pothole: Service
) -> None:
    world = build(triage, pothole)
    html = page_as(world.reviewer, f"/qa/evaluations/{world.evaluation.pk}/")
    department = world.call.requests.get().department
    assert f" · {department.name}" in html
    assert f" · {department.slug} · " not in html


def test_agreement_figures_read_to_three_places_and_never_as_minus_zero() -> None:
    page = Template("{% load qa_workspace %}{{ a|statistic }} {{ b|statistic }} {{ c|statistic }}")
    assert page.render(Context({"a": -0.00001, "b": 0.92751, "c": None})) == "0.000 0.928 –"


def test_the_workload_page_names_reviewers_as_the_other_qa_pages_do(
    triage: Department, pothole: Service
) -> None:
    world = build(triage, pothole)
    html = page_as(world.qa_admin, "/qa/workload/")
    assert f'data-label="Reviewer">{world.reviewer.get_full_name()}</th>' in html
    assert f'data-label="Reviewer">{world.reviewer.username}</th>' not in html
