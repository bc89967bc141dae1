"""Every page is sent with a Content-Security-Policy, without 'unsafe-inline', that the page
itself satisfies: no inline script, no <style> block, no style attribute the policy refuses."""

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from django.test import Client

from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/admin/login/",
    "/admin/",
    "/admin/core/department/",
    "/admin/core/department/add/",
    "/admin/core/area/add/",
    "/admin/intake/servicerequest/",
    "/api/docs/",
    "/api/v1/",
    "/api/v1/departments/",
]


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts = 0
        self.style_blocks = 0
        self.style_attributes: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("style") is not None:
            self.style_attributes.append(str(found["style"]))
        if tag == "style":
            self.style_blocks += 1
        # JSON data blocks are not run, so the policy does not govern them.
        if tag == "script" and "src" not in found and found.get("type") != "application/json":
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script:
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def _hash(value: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(value.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("path", PAGES)
def test_page_satisfies_its_content_security_policy(client: Client, path: str) -> None:
    admin = UserFactory.create(role=Role.ADMIN, is_staff=True, is_superuser=True)
    if path != "/admin/login/":
        client.force_login(admin)
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200, path
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    directives = _directives(header)
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    page = _InlineFinder()
    page.feed(response.content.decode())
    assert page.inline_scripts == 0, path
    assert page.style_blocks == 0, path
    allowed = set(directives.get("style-src-attr", []))
    refused = [s for s in page.style_attributes if _hash(s) not in allowed]
    assert refused == [], path


def test_swagger_ui_start_up_script_is_served_from_our_origin(client: Client) -> None:
    response = client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in response.content
