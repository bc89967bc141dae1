"""A department's day in Chromium at a phone's and a desktop's size, checking what a walk of
the demo city found wrong: the queue's filters fit the screen and mark what is overdue, a
flagged public note comes back with its flags (never an error page), the timeline reads in
words, and a request that is not theirs answers inside the console."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from accounts.models import Role, User
from core.models import Department
from intake.commands import Requester
from intake.models import Service, ServiceRequest
from tests.browser.conftest import assert_accessible, needs_chromium, screenshot, sign_in
from tests.factories import DepartmentFactory, make_request

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), needs_chromium]


def fits_the_screen(page: Page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide on a {width[1]} px screen"


def test_a_department_works_its_queue_and_a_request_at_phone_and_desktop_size(
    live_server: Any,
    page: Page,
    make_user: Callable[..., User],
    pothole: Service,
    missed_trash: Service,
    streets: Department,
) -> None:
    url = live_server.url
    late = make_request(
        pothole,
        address="1 First St",
        requester=Requester(first_name="Ana", phone="+16085550199", channel="sms"),
    )
    ServiceRequest.objects.filter(pk=late.pk).update(promised_at=timezone.now() - timedelta(days=3))
    theirs = make_request(missed_trash, address="9 Elm St")
    sign_in(page, url, make_user(Role.DEPARTMENT_STAFF, [streets]))

    page.goto(f"{url}/staff/queues/streets/")
    page.click(".queue-filters summary")
    page.wait_for_selector(".queue-filter-form input[name=unassigned]", state="attached")
    fits_the_screen(page)
    assert "Missed trash pickup" not in page.inner_text(".queue-filter-form")
    assert "overdue" in page.inner_text(f"tr:has(a:text('{late.public_id}'))").lower()
    assert_accessible(page, label="queue with its filters open")
    screenshot(page, "staff-walk-queue")

    page.goto(f"{url}/staff/requests/{late.public_id}/")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_note", "Calm down, that's not my department.")
    page.click("form[action$='/status/'] button[type=submit]")
    page.wait_for_selector("#request-main .usa-alert--error")
    assert "Calm down" in page.inner_text("#request-main .usa-alert--error")
    page.fill("#id_note", "Thank you for waiting: a crew is on its way this week.")
    page.click("form[action$='/status/'] button[type=submit]")
    page.wait_for_selector("text=Status changed.")
    page.wait_for_selector("#timeline >> text=New → In progress")
    assert "looks after every Pothole request" in page.inner_text("#request-main")
    assert "Text message to (608) 555-0199" in page.inner_text(".deliveries")
    fits_the_screen(page)
    assert_accessible(page, label="request page")
    screenshot(page, "staff-walk-request")

    answer = page.goto(f"{url}/staff/requests/{theirs.public_id}/")
    assert answer is not None
    assert answer.status == 403
    assert page.is_visible("form.sign-out") or page.is_visible("button.usa-menu-btn")
    assert_accessible(page, label="403 in the console")


def test_the_supervisors_menu_fits_one_line_on_a_desktop_and_a_menu_button_on_a_phone(
    live_server: Any, page: Page, make_user: Callable[..., User]
) -> None:
    """The demo supervisor's seven links wrapped the header to four lines at 1280 px."""
    names = ["Streets and Roads", "Sanitation", "Contact Centre", "Parks and Recreation"]
    departments = [
        DepartmentFactory.create(slug=name.lower().replace(" ", "-"), name=name) for name in names
    ]
    sign_in(page, live_server.url, make_user(Role.SUPERVISOR, departments))
    page.goto(f"{live_server.url}/staff/supervise/")
    fits_the_screen(page)
    size = page.viewport_size or {"width": 0, "height": 0}
    if size["width"] < 1024:
        assert page.is_visible("button.usa-menu-btn")
        assert not page.is_visible(".usa-nav__primary")
        page.click("button.usa-menu-btn")
        page.wait_for_selector(".usa-nav.is-visible")
    else:
        boxes = page.eval_on_selector_all(
            ".usa-nav__primary > li, .usa-nav .sign-out",
            "items => items.map(item => [item.getBoundingClientRect().top,"
            " item.getBoundingClientRect().bottom])",
        )
        # One line: every item starts above the point where the first one ends.
        assert max(top for top, _ in boxes) < min(bottom for _, bottom in boxes), boxes
    screenshot(page, "staff-walk-supervisor-menu-closed")
    page.get_by_role("button", name="Queues").click()
    for name in names:
        assert page.get_by_role("link", name=f"Queue: {name}").is_visible()
    assert_accessible(page, label="supervisor's menu open")
    screenshot(page, "staff-walk-supervisor-menu")


def test_an_agent_starts_a_call_from_a_caller_the_lookup_found(
    live_server: Any, page: Page, make_user: Callable[..., User], pothole: Service
) -> None:
    make_request(
        pothole,
        requester=Requester(
            first_name="Ana", last_name="Okafor", phone="+16085550199", channel="sms"
        ),
    )
    sign_in(page, live_server.url, make_user(Role.AGENT))
    page.goto(f"{live_server.url}/staff/calls/?q=Okafor")
    fits_the_screen(page)
    assert_accessible(page, label="caller lookup")
    screenshot(page, "staff-walk-caller-lookup")
    page.get_by_role("button", name="Start a call with Ana Okafor").click()
    page.wait_for_url("**/staff/calls/*/")
    assert page.input_value("#id_caller_name") == "Ana Okafor"
    current = page.text_content(".usa-step-indicator__segment--current") or ""
    assert "problem" in current.lower()  # the labels are hidden on a phone, not gone
    fits_the_screen(page)
    screenshot(page, "staff-walk-call-started")
