"""Shared browser-test fixtures: Debian's headless Chromium driven by Playwright, offline.

- `browser`: one Chromium per test module, launched with the project's flags.
- `offline.open(viewport, locale="es-US")`: a page in its own context, same rules.
- `page`: a fresh page at a phone (390x844) and a desktop (1280x800) size; every test using
  it runs at both. `phone_page` / `desktop_page` for one size. Any request to a host other
  than the live test server is blocked, and the test fails at teardown naming it; so does a
  page error or a Content-Security-Policy violation.
- `assert_accessible(page)`: runs axe-core (vendored in tests/browser/vendor/) and asserts
  no WCAG 2.x A/AA violation, listing each one.
- `screenshot(page, name)`: a PNG under tests/browser/screenshots/ (git-ignored).
- `sign_in(page, user)`: signs a member of staff in through the real sign-in form.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Route,
    ViewportSize,
    sync_playwright,
)

from accounts.models import User

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
HERE = Path(__file__).resolve().parent
AXE = HERE / "vendor" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"
PASSWORD = "pw"  # tests.factories.UserFactory's password
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is installed by make test"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread, and Django's ORM then refuses
    # to run here unless told it is safe, which it is for a test calling both in turn.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class OfflinePage:
    """Opens a page that may only talk to the test server, and remembers what went wrong."""

    def __init__(self, browser: Browser, server_url: str) -> None:
        self.browser = browser
        self.host = urlparse(server_url).netloc
        self.blocked: list[str] = []
        self.errors: list[str] = []

    def open(self, viewport: ViewportSize, **context_options: Any) -> Page:
        context = self.browser.new_context(viewport=viewport, **context_options)
        context.route("**/*", self._route)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)
        return page

    def _route(self, route: Route) -> None:
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob") or url.netloc == self.host:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(f"CSP: {message.text}")

    def check(self) -> None:
        assert not self.blocked, f"requests to other hosts: {self.blocked}"
        assert not self.errors, self.errors


@pytest.fixture
def offline(live_server: Any, browser: Browser) -> Iterator[OfflinePage]:
    pages = OfflinePage(browser, live_server.url)
    yield pages
    pages.check()


def _page(offline: OfflinePage, viewport: ViewportSize) -> Iterator[Page]:
    page = offline.open(viewport)
    yield page
    page.context.close()


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def page(request: pytest.FixtureRequest, offline: OfflinePage) -> Iterator[Page]:
    yield from _page(offline, request.param)


@pytest.fixture
def phone_page(offline: OfflinePage) -> Iterator[Page]:
    yield from _page(offline, PHONE)


@pytest.fixture
def desktop_page(offline: OfflinePage) -> Iterator[Page]:
    yield from _page(offline, DESKTOP)


def assert_accessible(page: Page, *, label: str = "") -> None:
    """axe-core over the whole page: no WCAG 2.2 A/AA violation.

    The script is evaluated through the DevTools protocol rather than added as a <script>
    element, which the Content-Security-Policy (no inline scripts) would refuse."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert not violations, f"axe on {label or page.url}:\n" + "\n".join(violations)


def screenshot(page: Page, name: str, *, folder: Path = SCREENSHOTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or {"width": 0, "height": 0}
    path = folder / f"{name}-{size['width']}x{size['height']}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, server_url: str, user: User, password: str = PASSWORD) -> None:
    page.goto(f"{server_url}/staff/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/staff/login/" not in page.url, f"sign-in failed for {user.get_username()}"
