"""The web pages' foundation: languages, error pages, staff sign-in and sessions."""

import gettext
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings

from accounts.models import Role, User
from frontend.middleware import LAST_SEEN

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES"
NO_INLINE = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|\sstyle=|<style", re.IGNORECASE)


def _po_entries(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for every entry but the header."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = ""
        for line in block.splitlines():
            if line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
                current, _, rest = line.partition(" ")
                fields[current] = rest[1:-1]
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            translated = fields.get("msgstr", fields.get("msgstr[0]", ""))
            entries.append((fields["msgid"], translated, "#, fuzzy" in block))
    return entries


def test_every_spanish_message_is_translated_and_not_fuzzy() -> None:
    entries = _po_entries(CATALOGUE / "django.po")
    assert len(entries) > 50
    untranslated = [msgid for msgid, msgstr, _ in entries if not msgstr]
    fuzzy = [msgid for msgid, _, is_fuzzy in entries if is_fuzzy]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def test_the_compiled_catalogue_matches_the_source() -> None:
    """Run `manage.py compilemessages` after editing django.po."""
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for msgid, msgstr, _ in _po_entries(CATALOGUE / "django.po"):
        unescaped = msgid.encode().decode("unicode_escape").encode("latin-1").decode()
        expected = msgstr.encode().decode("unicode_escape").encode("latin-1").decode()
        assert catalogue.gettext(unescaped) == expected, msgid


def test_the_language_switch_sets_a_cookie_and_the_page_language(db: None) -> None:
    client = Client()
    assert '<html lang="en">' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get("/").content.decode()
    assert '<html lang="es">' in page
    assert "Reporte un problema" in page


def test_the_browser_language_is_used_until_the_resident_chooses(db: None) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").get("/").content.decode()
    assert '<html lang="es">' in page


@pytest.mark.parametrize(("language", "text"), [("en", "could not find"), ("es", "No encontramos")])
def test_a_missing_page_is_the_products_own_404(db: None, language: str, text: str) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no-such-page/")
    assert response.status_code == 404
    assert text in response.content.decode()


@override_settings(DEBUG=True)
def test_with_debug_on_visitors_still_get_the_products_404(db: None) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "could not find" in body
    assert "URLconf" not in body
    assert "admin/" not in body


@override_settings(DEBUG=True)
def test_with_debug_on_api_404s_keep_their_own_format(client_for: Any, admin_user: User) -> None:
    response = client_for(admin_user).get("/api/v1/requests/999999999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(("language", "text"), [("en", "went wrong"), ("es", "salió mal")])
@override_settings(ROOT_URLCONF="tests.web.urls_broken")
def test_a_failure_is_the_products_own_500(db: None, language: str, text: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert text in response.content.decode()


@override_settings(ROOT_URLCONF="tests.web.urls_broken", DEBUG=True)
def test_with_debug_on_visitors_get_the_products_500_not_a_traceback(db: None) -> None:
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert "went wrong" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_user_without_a_staff_role_gets_the_products_403(db: None) -> None:
    nobody = User.objects.create_user("resident", password="pw")
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(nobody)
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "no está disponible" in response.content.decode()


def test_staff_pages_send_visitors_to_sign_in(db: None) -> None:
    for path in ("/staff/", "/qa/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/staff/login/?next={path}"


@pytest.mark.parametrize(
    ("role", "landing", "greeting"),
    [
        (Role.AGENT, "/staff/", "Call-centre agent"),
        (Role.SUPERVISOR, "/staff/", "Supervisor"),
        (Role.QA_REVIEWER, "/qa/", "QA reviewer"),
        (Role.QA_ADMIN, "/qa/", "QA administrator"),
    ],
)
def test_staff_sign_in_lands_by_role(
    make_user: Any, role: str, landing: str, greeting: str
) -> None:
    user = make_user(role)
    client = Client()
    response = client.post("/staff/login/", {"username": user.username, "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == landing
    assert greeting in client.get(landing).content.decode()


def test_a_wrong_password_is_refused_with_a_message(make_user: Any) -> None:
    user = make_user(Role.AGENT)
    response = Client().post("/staff/login/", {"username": user.username, "password": "no"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()


def test_sign_out_is_a_post(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user(Role.AGENT))
    assert client.get("/staff/logout/").status_code == 405
    assert client.post("/staff/logout/").status_code == 302
    assert client.get("/staff/").status_code == 302


def test_password_reset_sends_a_link_in_the_staff_members_language(make_user: Any) -> None:
    user = make_user(Role.AGENT)
    user.email = "agent@riverton.example.gov"
    user.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    response = client.post("/staff/password-reset/", {"email": user.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "contraseña" in message.subject
    link = re.search(r"https?://\S+/staff/password-reset/\S+/\S+/", str(message.body))
    assert link is not None
    path = link.group(0).split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    new = "a-long-new-passphrase-42"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


@override_settings(CIVIC311_STAFF_SESSION_IDLE_MINUTES=30)
def test_an_idle_staff_session_ends(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user(Role.AGENT))
    assert client.get("/staff/").status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - 31 * 60
    session.save()
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_pages_have_no_inline_scripts_or_styles(make_user: Any) -> None:
    client = Client()
    pages = ["/", "/staff/login/", "/staff/password-reset/", "/no-such-page/"]
    for path in pages:
        assert not NO_INLINE.findall(client.get(path).content.decode()), path
    client.force_login(make_user(Role.AGENT))
    for path in ("/staff/", "/qa/"):
        assert not NO_INLINE.findall(client.get(path).content.decode()), path
