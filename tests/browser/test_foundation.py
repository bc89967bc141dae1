"""The shared layout, languages, error pages and staff sign-in, in headless Chromium."""

from typing import Any

import pytest
from playwright.sync_api import Page

from accounts.models import Role
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    OfflinePage,
    assert_accessible,
    needs_chromium,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), needs_chromium]

PUBLIC_PAGES = ["/", "/staff/login/", "/staff/password-reset/", "/no-such-page/"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_public_pages_have_no_accessibility_violations(
    live_server: Any, offline: OfflinePage, language: str
) -> None:
    for viewport in (PHONE, DESKTOP):
        page = offline.open(viewport, locale=language)
        for path in PUBLIC_PAGES:
            page.goto(live_server.url + path)
            assert page.get_attribute("html", "lang") == language
            assert_accessible(page, label=f"{path} {language} {viewport}")
        page.context.close()


def test_the_language_switch_sets_the_cookie_and_lang(live_server: Any, page: Page) -> None:
    page.goto(live_server.url + "/")
    assert page.get_attribute("html", "lang") == "en"
    if page.is_visible(".usa-menu-btn"):
        page.click(".usa-menu-btn")
    page.click("button[name=language][value=es]")
    page.wait_for_selector("html[lang=es]")
    assert "Reporte un problema" in page.inner_text("main")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["civic311_language"] == "es"
    page.goto(live_server.url + "/staff/login/")
    assert page.get_attribute("html", "lang") == "es"


@pytest.mark.parametrize(
    ("role", "landing", "greeting"),
    [(Role.AGENT, "/staff/", "Call-centre agent"), (Role.QA_REVIEWER, "/qa/", "QA reviewer")],
)
def test_staff_sign_in_lands_by_role_and_passes_axe(
    live_server: Any, page: Page, make_user: Any, role: str, landing: str, greeting: str
) -> None:
    user = make_user(role)
    sign_in(page, live_server.url, user)
    assert page.url == live_server.url + landing
    assert greeting in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, f"staff-landing-{role}")
    if page.is_visible(".usa-menu-btn"):
        page.click(".usa-menu-btn")
    page.click("form.sign-out button")
    page.wait_for_url("**/staff/login/")
    page.goto(live_server.url + landing)
    assert "/staff/login/" in page.url
