"""The resident-facing pages in headless Chromium (Debian's), driven by Playwright."""

import os
import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, sync_playwright

from accounts.models import Role
from intake.models import ServiceRequest
from intake.services import Requester, service_request_change_status
from intake.statuses import Status
from notifications.models import SurveyInvitation
from tests.factories import make_request

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by make test"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread, and Django's ORM then refuses
    # to run here unless told it is safe, which it is for a test calling both in turn.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_home_page_loads_only_self_hosted_assets(live_server: Any, browser: Browser) -> None:
    page = browser.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page.goto(live_server.url + "/")
    assert "3-1-1" in page.title()
    assert hosts == {urlparse(live_server.url).netloc}
    page.close()


def test_a_resident_answers_the_survey_and_reopens_the_request(
    live_server: Any, browser: Browser, pothole: Any, make_user: Any, streets: Any
) -> None:
    worker = make_user(Role.DEPARTMENT_STAFF, [streets])
    created = make_request(
        pothole, requester=Requester(first_name="Ana", email="ana@example.org", channel="email")
    )
    service_request_change_status(
        service_request=created, to_status=Status.RESOLVED, actor=worker, note="Patched."
    )
    survey = SurveyInvitation.objects.get(request=created)
    page = browser.new_page()
    page.goto(f"{live_server.url}/survey/{survey.token}/")
    assert created.public_id in page.inner_text("h2")
    page.check("input[name=satisfaction][value='4']")
    page.check("input[name=courteous][value='yes']")
    page.check("input[name=fixed][value='no']")
    page.fill("textarea[name=comment]", "The hole is back after the rain.")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Thank you")
    assert "reopened" in page.inner_text("main")
    page.close()
    created.refresh_from_db()
    assert created.status == Status.ACKNOWLEDGED
    assert ServiceRequest.objects.get(pk=created.pk).recovery_tasks.count() == 1
