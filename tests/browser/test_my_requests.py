"""My requests in headless Chromium, offline: ask for a link, follow it, see and manage."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from intake.commands import Requester
from intake.models import Follower, Service
from notifications.models import MessageKind, OutboxMessage
from tests.browser.conftest import DESKTOP, PHONE, OfflinePage, assert_accessible, needs_chromium
from tests.browser.conftest import screenshot as take_screenshot
from tests.factories import make_request

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), needs_chromium]
WORDS = {
    "en": {"ask": "Email me a link", "sent": "Check your email", "show": "Show my requests"},
    "es": {"ask": "Envíenme un enlace", "sent": "Revise su correo", "show": "Ver mis solicitudes"},
}
LINK = re.compile(r"(/my-requests/sign-in/[A-Za-z0-9_-]+/)")
SERVICE_NAME = {"en": "Pothole", "es": "Bache"}


@pytest.fixture
def pothole(pothole: Service) -> Service:
    """With its Spanish name, as the city's catalogue has it: the Spanish list shows it."""
    pothole.translations = {"es": {"name": "Bache", "description": "Un hoyo en la calle."}}
    pothole.save()
    return pothole


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_resident_signs_in_with_an_emailed_link_and_manages_their_requests(
    live_server: Any, offline: OfflinePage, pothole: Service, language: str
) -> None:
    ana = Requester(email="ana@example.org", channel="email", language=language)
    mine = make_request(pothole, requester=ana)
    followed = make_request(pothole, requester=Requester(email="bo@example.org"))
    Follower.objects.create(request=followed, email="ana@example.org", language=language)
    words = WORDS[language]
    for viewport in (PHONE, DESKTOP):
        page = offline.open(viewport, locale=language)
        name = f"my-requests-{language}"
        page.goto(f"{live_server.url}/my-requests/")
        assert_accessible(page, label=f"sign-in {language}")
        take_screenshot(page, f"{name}-ask")
        page.fill("#id_email", "ana@example.org")
        page.click(f"button:has-text('{words['ask']}')")
        expect(page.locator("h1")).to_contain_text(words["sent"])
        assert_accessible(page, label=f"link sent {language}")
        message = OutboxMessage.objects.filter(kind=MessageKind.SIGN_IN).latest("id")
        assert message.language == language
        match = LINK.search(message.body)
        assert match is not None
        page.goto(live_server.url + match.group(1))
        assert_accessible(page, label=f"confirm {language}")
        page.click(f"button:has-text('{words['show']}')")
        expect(page.locator("main")).to_contain_text(mine.public_id)
        expect(page.locator("main")).to_contain_text(followed.public_id)
        for table in page.locator(".mine-table").all():
            expect(table).to_contain_text(SERVICE_NAME[language])
        if language == "es":
            expect(page.locator("main")).not_to_contain_text("Pothole")
        assert_accessible(page, label=f"my requests {language}")
        take_screenshot(page, name)
        if viewport is PHONE:
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"my requests scrolls sideways ({width}px)"
        page.context.close()
    # The last page (desktop) stops following, then follows again from the status page.
    page = offline.open(DESKTOP, locale=language)
    page.goto(f"{live_server.url}/my-requests/")
    page.fill("#id_email", "ana@example.org")
    page.click(f"button:has-text('{words['ask']}')")
    expect(page.locator("h1")).to_contain_text(words["sent"])
    message = OutboxMessage.objects.filter(kind=MessageKind.SIGN_IN).latest("id")
    match = LINK.search(message.body)
    assert match is not None
    page.goto(live_server.url + match.group(1))
    page.click(f"button:has-text('{words['show']}')")
    page.click(f"form[action$='/unfollow/{followed.public_id}/'] button")
    expect(page.locator(".usa-alert--success")).to_contain_text(followed.public_id)
    assert not Follower.objects.filter(request=followed).exists()
    page.goto(f"{live_server.url}/requests/{followed.public_id}/")
    page.click(f"form[action$='/follow/{followed.public_id}/'] button")
    expect(page.locator(".usa-alert--success")).to_contain_text(followed.public_id)
    assert Follower.objects.filter(request=followed, email="ana@example.org").exists()
    assert_accessible(page, label=f"status page signed in {language}")
    page.context.close()
