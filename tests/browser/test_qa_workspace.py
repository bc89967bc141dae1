"""The QA workspace in headless Chromium, offline: a review from assignment to the scorecard,
blind calibration with three reviewers, and axe-core plus screenshots on every QA page."""

from typing import Any

import pytest
from django.utils import timezone
from django.utils.timezone import localtime
from playwright.sync_api import Page

from accounts.models import User
from core.models import Department
from frontend.qa.forms import item_choices
from intake.models import Service
from qa import services
from qa.models import CalibrationSession, Evaluation
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    OfflinePage,
    assert_accessible,
    needs_chromium,
    screenshot,
    sign_in,
)
from tests.qa_world import QaWorld, build

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.fixture
def world(triage: Department, pothole: Service) -> QaWorld:
    return build(triage, pothole)


def _as(offline: OfflinePage, server: str, user: User, viewport: Any = DESKTOP) -> Page:
    page = offline.open(viewport)
    sign_in(page, server, user)
    return page


def _answer(page: Page, evaluation: Evaluation, **overrides: str) -> None:
    """Click each item's answer as a reviewer would (the label of the radio tile)."""
    for item in evaluation.rubric.items.all():
        value = overrides.get(item.code, "yes" if item.scale == "yes_no" else "met")
        index = [v for v, _ in item_choices(item)].index(value)
        page.click(f"label[for='id_{item.code}-value_{index}']")


def _pass_rate_row(page: Page, agent: User) -> str:
    return page.inner_text(f"#rates-table tbody tr:has(th:text-is('{agent.get_full_name()}'))")


def test_review_dispute_rescore_and_the_scorecard_moves(
    live_server: Any, offline: OfflinePage, world: QaWorld
) -> None:
    server = live_server.url
    admin = _as(offline, server, world.qa_admin)
    admin.goto(f"{server}/qa/scorecards/")
    before = _pass_rate_row(admin, world.agent)
    assert "50.0%" in before  # one pass in two earlier reviews

    reviewer = _as(offline, server, world.reviewer)
    reviewer.goto(f"{server}/qa/reviews/")
    reviewer.click(f"a[href='/qa/evaluations/{world.evaluation.pk}/']")
    call = reviewer.inner_text("section[aria-labelledby=interaction-heading]")
    assert "nobody fixes it" in call
    # Each screened text has its own flags (a curt one may carry only a politeness hint).
    assert any("Calm down" in flags for flags in reviewer.locator(".qa-flags").all_inner_texts())
    _answer(reviewer, world.evaluation, **{"what-can-be-done": "not_met", "ownership": "not_met"})
    reviewer.fill("#id_what-can-be-done-comment", "Told the caller to calm down.")
    screenshot(reviewer, "qa-evaluation-scoring")
    reviewer.click("button[value=submit]")
    reviewer.wait_for_url(f"{server}/qa/reviews/")
    assert "Evaluation submitted" in reviewer.inner_text("main")

    agent = _as(offline, server, world.agent)
    agent.goto(f"{server}/qa/mine/")
    agent.click(f"a[href='/qa/evaluations/{world.evaluation.pk}/']")
    assert "Told the caller to calm down." in agent.inner_text("main")
    agent.fill("#id_comment", "I was quoting the caller's neighbour, not telling him.")
    agent.click("button[value=dispute]")
    agent.wait_for_selector("text=Dispute sent")

    supervisor = _as(offline, server, world.supervisor)
    supervisor.goto(f"{server}/qa/disputes/")
    supervisor.click(f"a[href='/qa/evaluations/{world.evaluation.pk}/']")
    supervisor.click("label[for='id_decision_1']")
    supervisor.fill("#id_note", "Listening to the call, the words were a quote. Rescored.")
    supervisor.click(".qa-rescore summary")
    _answer(supervisor, world.evaluation)
    screenshot(supervisor, "qa-evaluation-arbitration")
    supervisor.click("text=Record the decision")
    supervisor.wait_for_url(f"{server}/qa/disputes/")

    admin.goto(f"{server}/qa/scorecards/")
    after = _pass_rate_row(admin, world.agent)
    assert "66.7%" in after  # two passes in three
    assert "–" in after  # with its interval
    assert after != before
    assert admin.locator("#rates-chart").is_visible()
    assert_accessible(admin)
    screenshot(admin, "qa-scorecards-after-rescore")


def test_blind_calibration_hides_the_agreement_until_the_last_reviewer_submits(
    live_server: Any, offline: OfflinePage, world: QaWorld
) -> None:
    server = live_server.url
    admin = _as(offline, server, world.qa_admin)
    admin.goto(f"{server}/qa/calibration/new/")
    admin.fill("#id_title", "Week 44 calls")
    admin.click(f"label:has-text('{localtime(world.call.started_at):%Y-%m-%d %H:%M}')")
    for reviewer in world.reviewers:
        admin.click(f"label:text-is('{reviewer.get_full_name()}')")
    assert_accessible(admin)
    admin.click("text=Create the session")
    admin.wait_for_selector("text=Calibration session created")
    session = CalibrationSession.objects.get()

    for number, reviewer in enumerate(world.reviewers):
        page = _as(offline, server, reviewer)
        page.goto(f"{server}/qa/calibration/{session.pk}/")
        assert page.locator("#agreement-hidden").is_visible()
        hidden = page.goto(f"{server}/qa/calibration/{session.pk}/agreement/")
        assert hidden is not None
        assert hidden.status == 403
        mine = session.evaluations.get(reviewer=reviewer)
        page.goto(f"{server}/qa/evaluations/{mine.pk}/")
        assert world.agent.get_full_name() not in page.inner_text("main")
        _answer(page, mine, **({"listen-verify": "partly"} if number == 0 else {}))
        page.click("button[value=submit]")
        page.wait_for_url(f"{server}/qa/calibration/{session.pk}/")
        if number < len(world.reviewers) - 1:
            assert page.locator("#agreement-hidden").is_visible()
        page.context.close()

    last = _as(offline, server, world.reviewers[0])
    last.goto(f"{server}/qa/calibration/{session.pk}/")
    last.click("text=See the agreement")
    text = last.inner_text("main")
    assert "Fleiss' kappa" in text
    assert "Krippendorff's alpha" in text
    assert "divergent" in text.lower()  # listen-verify: one "partly" against two "met"
    assert_accessible(last)
    screenshot(last, "qa-agreement")
    admin.goto(f"{server}/qa/calibration/{session.pk}/agreement/")
    consensus = admin.locator("form.qa-consensus:has(input[name=item][value=listen-verify])")
    consensus.locator("select").select_option("met")
    consensus.locator("button").click()
    admin.wait_for_selector("text=Consensus recorded")
    assert session.consensus.count() == 1


PAGES_BY_ROLE = {
    "reviewer": [
        "/qa/",
        "/qa/reviews/",
        "/qa/evaluations/{evaluation}/",
        "/qa/calibration/",
        "/qa/calibration/{session}/",
        "/qa/scorecards/",
        "/qa/rubric/",
    ],
    "agent": ["/qa/mine/", "/qa/evaluations/{earlier}/", "/qa/scorecards/"],
    "supervisor": [
        "/qa/disputes/",
        "/qa/patterns/",
        "/qa/patterns/?by=month",
        "/qa/evaluations/{disputed}/",
        "/qa/sampling/",
        "/qa/sampling/{period}/",
        "/qa/workload/",
        "/qa/scorecards/?by=department",
    ],
    "qa_admin": [
        "/qa/",
        "/qa/calibration/new/",
        "/qa/calibration/{session}/agreement/",
        "/qa/scorecards/",
        "/qa/evaluations/{earlier}/",
    ],
}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_qa_page_passes_axe_at_both_sizes(
    live_server: Any, offline: OfflinePage, world: QaWorld, viewport: Any
) -> None:
    period = services.sampling_period_open(day=timezone.localdate())
    disputed = services.evaluation_dispute(
        evaluation=world.earlier[1], agent=world.agent, reason="The caller was quoted."
    )
    session = services.calibration_session_create(
        title="Axe",
        created_by=world.qa_admin,
        interactions=[world.call],
        participants=world.reviewers,
    )
    ids = {
        "evaluation": world.evaluation.pk,
        "earlier": world.earlier[0].pk,
        "disputed": disputed.pk,
        "period": period.pk,
        "session": session.pk,
    }
    for role, paths in PAGES_BY_ROLE.items():
        page = _as(offline, live_server.url, getattr(world, role), viewport)
        for path in paths:
            page.goto(live_server.url + path.format(**ids))
            assert page.url.startswith(live_server.url + path.format(**ids).split("?")[0])
            assert_accessible(page, label=f"{path} as {role}")
            name = path.strip("/").replace("/", "-").replace("?by=", "by-")
            screenshot(page, f"{name.replace('{', '').replace('}', '')}-as-{role}")
        page.context.close()
