"""The resident-facing pages in headless Chromium (Debian's), driven by Playwright."""

from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page

from accounts.models import Role
from intake.models import ServiceRequest
from intake.services import Requester, service_request_change_status
from intake.statuses import Status
from notifications.models import SurveyInvitation
from tests.browser.conftest import needs_chromium
from tests.factories import make_request

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), needs_chromium]


def test_home_page_loads_only_self_hosted_assets(live_server: Any, page: Page) -> None:
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page.goto(live_server.url + "/")
    assert "3-1-1" in page.title()
    assert hosts == {urlparse(live_server.url).netloc}


def test_a_resident_answers_the_survey_and_reopens_the_request(
    live_server: Any, phone_page: Page, pothole: Any, make_user: Any, streets: Any
) -> None:
    worker = make_user(Role.DEPARTMENT_STAFF, [streets])
    created = make_request(
        pothole, requester=Requester(first_name="Ana", email="ana@example.org", channel="email")
    )
    service_request_change_status(
        service_request=created, to_status=Status.RESOLVED, actor=worker, note="Patched."
    )
    survey = SurveyInvitation.objects.get(request=created)
    page = phone_page
    page.goto(f"{live_server.url}/survey/{survey.token}/")
    assert created.public_id in page.inner_text("h1")
    # USWDS draws its own radio buttons; the resident taps the label.
    page.click("label[for=id_satisfaction_3]")  # 4
    page.click("label[for=id_courteous_0]")  # yes
    page.click("label[for=id_fixed_1]")  # no
    page.fill("textarea[name=comment]", "The hole is back after the rain.")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Thank you")
    assert "reopened" in page.inner_text("main")
    created.refresh_from_db()
    assert created.status == Status.ACKNOWLEDGED
    assert ServiceRequest.objects.get(pk=created.pk).recovery_tasks.count() == 1
