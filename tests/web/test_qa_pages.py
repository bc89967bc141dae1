"""The QA workspace's pages through Django's test client: who may open what, and the review
cycle (score, dispute, rescore, coach, calibrate) posted as a browser without JavaScript would."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.models import Department
from intake.models import Service
from qa import services
from qa.models import (
    CalibrationSession,
    CoachingNote,
    Evaluation,
    EvaluationStatus,
    SamplingPeriod,
)
from tests.qa_world import QaWorld, a_call, build

pytestmark = pytest.mark.django_db

PAGES = [
    "/qa/",
    "/qa/reviews/",
    "/qa/mine/",
    "/qa/disputes/",
    "/qa/calibration/",
    "/qa/calibration/new/",
    "/qa/scorecards/",
    "/qa/scorecards/?by=department",
    "/qa/patterns/",
    "/qa/patterns/?by=month",
    "/qa/sampling/",
    "/qa/workload/",
    "/qa/rubric/",
]


@pytest.fixture
def world(triage: Department, pothole: Service) -> QaWorld:
    return build(triage, pothole)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize(
    ("who", "forbidden"),
    [
        (
            "agent",
            {
                "/qa/reviews/",
                "/qa/disputes/",
                "/qa/calibration/",
                "/qa/calibration/new/",
                "/qa/patterns/",
                "/qa/patterns/?by=month",
                "/qa/workload/",
            },
        ),
        (
            "reviewer",
            {
                "/qa/disputes/",
                "/qa/calibration/new/",
                "/qa/patterns/",
                "/qa/patterns/?by=month",
                "/qa/workload/",
            },
        ),
        ("supervisor", {"/qa/calibration/new/"}),
        ("qa_admin", set()),
    ],
)
def test_each_role_opens_its_pages_and_no_other(
    world: QaWorld, who: str, forbidden: set[str]
) -> None:
    client = _client(getattr(world, who))
    for path in PAGES:
        response = client.get(path)
        expected = 403 if path in forbidden else 200
        assert response.status_code == expected, path


def test_nobody_signed_out_sees_the_workspace(world: QaWorld) -> None:
    response = Client().get("/qa/reviews/")
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_the_evaluation_page_shows_the_call_in_full_beside_the_rubric(world: QaWorld) -> None:
    page = _client(world.reviewer).get(f"/qa/evaluations/{world.evaluation.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "nobody fixes it" in html  # the caller's words
    assert "Calm down" in html
    assert "C4" in html
    request = world.call.requests.get()
    assert request.public_id in html  # its timeline
    assert "We received your report" in html  # a message sent
    assert "Critical" in html
    assert "Weight 16" in html


def test_someone_else_cannot_open_the_evaluation(world: QaWorld) -> None:
    other = world.reviewers[2]
    assert _client(other).get(f"/qa/evaluations/{world.evaluation.pk}/").status_code == 404


def _form(evaluation: Evaluation, **overrides: str) -> dict[str, str]:
    data = {}
    for item in evaluation.rubric.items.all():
        data[f"{item.code}-value"] = "yes" if item.scale == "yes_no" else "met"
    data.update(overrides)
    return data


def test_a_submission_missing_an_item_is_refused_on_that_item(world: QaWorld) -> None:
    data = _form(world.evaluation)
    del data["greeting-value"]
    response = _client(world.reviewer).post(f"/qa/evaluations/{world.evaluation.pk}/submit/", data)
    assert response.status_code == 400
    assert 'href="#id_greeting-value' in response.content.decode()
    world.evaluation.refresh_from_db()
    assert world.evaluation.status == EvaluationStatus.ASSIGNED


def test_score_dispute_rescore_and_coach_without_javascript(world: QaWorld) -> None:
    url = f"/qa/evaluations/{world.evaluation.pk}/"
    data = _form(
        world.evaluation,
        **{
            "what-can-be-done-value": "not_met",
            "what-can-be-done-comment": "Told to calm down.",
            "ownership-value": "not_met",
        },
    )
    assert _client(world.reviewer).post(url + "submit/", data).status_code == 302
    world.evaluation.refresh_from_db()
    assert world.evaluation.passed is False

    agent = _client(world.agent)
    refused = agent.post(url + "respond/", {"answer": "dispute", "comment": ""})
    assert refused.status_code == 400
    assert agent.post(url + "respond/", {"answer": "dispute", "comment": "I was quoting."})
    world.evaluation.refresh_from_db()
    assert world.evaluation.status == EvaluationStatus.DISPUTED

    supervisor = _client(world.supervisor)
    assert str(world.evaluation.pk) in supervisor.get("/qa/disputes/").content.decode()
    decided = supervisor.post(
        url + "arbitrate/", {"decision": "rescore", "note": "Fair.", **_form(world.evaluation)}
    )
    assert decided.status_code == 302
    world.evaluation.refresh_from_db()
    assert world.evaluation.status == EvaluationStatus.ARBITRATED
    assert world.evaluation.passed is True

    coached = supervisor.post(url + "coaching/", {"c_ids": ["C4"], "text": "Lead with the fix."})
    assert coached.status_code == 302
    assert CoachingNote.objects.filter(agent=world.agent, c_ids=["C4"]).exists()
    assert "Lead with the fix." in agent.get("/qa/mine/").content.decode()


def test_the_reviewer_cannot_arbitrate_their_own_review(world: QaWorld) -> None:
    response = _client(world.reviewer).post(
        f"/qa/evaluations/{world.evaluation.pk}/arbitrate/", {"decision": "uphold", "note": "x"}
    )
    assert response.status_code == 403


def test_calibration_is_blind_until_the_last_reviewer_submits(world: QaWorld) -> None:
    admin = _client(world.qa_admin)
    created = admin.post(
        "/qa/calibration/new/",
        {
            "title": "October calls",
            "interactions": [str(world.call.pk)],
            "participants": [r.username for r in world.reviewers],
        },
    )
    assert created.status_code == 302
    session = CalibrationSession.objects.get()
    for number, reviewer in enumerate(world.reviewers):
        client = _client(reviewer)
        assert client.get(f"/qa/calibration/{session.pk}/agreement/").status_code == 403
        mine = session.evaluations.get(reviewer=reviewer)
        page = client.get(f"/qa/evaluations/{mine.pk}/").content.decode()
        assert "Ana Lopez" not in page  # the agent is hidden
        value = "partly" if number == 0 else "met"
        client.post(
            f"/qa/evaluations/{mine.pk}/submit/", _form(mine, **{"listen-verify-value": value})
        )
    agreement = _client(world.reviewers[0]).get(f"/qa/calibration/{session.pk}/agreement/")
    assert agreement.status_code == 200
    assert "Fleiss" in agreement.content.decode()
    recorded = admin.post(
        f"/qa/calibration/{session.pk}/consensus/",
        {"interaction": str(world.call.pk), "item": "listen-verify", "value": "met"},
    )
    assert recorded.status_code == 302
    assert session.consensus.get().value == "met"
    bad = admin.post(f"/qa/calibration/{session.pk}/consensus/", {"interaction": "nope"})
    assert bad.status_code == 404


def test_a_draft_keeps_a_partial_review_and_tells_nobody(world: QaWorld) -> None:
    url = f"/qa/evaluations/{world.evaluation.pk}/"
    client = _client(world.reviewer)
    partial = {"greeting-value": "no", "greeting-comment": "No name given."}
    saved = client.post(url + "draft/", partial, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert "Draft saved" in saved.content.decode()
    assert client.post(url + "draft/", partial).status_code == 302  # without JavaScript
    world.evaluation.refresh_from_db()
    assert world.evaluation.status == EvaluationStatus.ASSIGNED
    assert world.evaluation.draft_saved_at is not None
    page = client.get(url).content.decode()
    assert "No name given." in page
    assert "Draft saved" in client.get("/qa/reviews/").content.decode()


def test_a_drawn_week_is_re_derived_from_its_revealed_key(world: QaWorld, pothole: Service) -> None:
    # A week of its own: the world's other calls already have reviews made by hand.
    old_call = a_call(world.agent, pothole, days_ago=50)
    services.sampling_period_open(day=timezone.localdate(old_call.started_at))
    services.sampling_open_current_and_draw_past(today=timezone.localdate() + timedelta(days=40))
    period = SamplingPeriod.objects.exclude(revealed_at=None).first()
    assert period is not None
    client = _client(world.agent)
    listing = client.get("/qa/sampling/").content.decode()
    assert period.commitment in listing
    assert period.key in listing
    page = client.get(f"/qa/sampling/{period.pk}/").content.decode()
    assert "Sample re-derived from the key is the one drawn" in page
    assert "qa-tag--critical" not in page


def test_the_workspace_works_in_spanish(world: QaWorld) -> None:
    client = _client(world.reviewer)
    client.cookies["civic311_language"] = "es"
    for path in ["/qa/", "/qa/reviews/", f"/qa/evaluations/{world.evaluation.pk}/", "/qa/rubric/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<html lang="es">' in response.content.decode()
