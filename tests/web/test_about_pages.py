"""The privacy notice and the accessibility statement: public, in both languages, linked
from every residents' page, and naming the city's own contact and retention."""

import pytest
from django.test import Client, override_settings

HEADINGS = {
    "en": {"/privacy/": "Privacy notice", "/accessibility/": "Accessibility statement"},
    "es": {"/privacy/": "Aviso de privacidad", "/accessibility/": "Declaración de accesibilidad"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("path", ["/privacy/", "/accessibility/"])
def test_the_page_answers_in_each_language_with_its_heading(path: str, language: str) -> None:
    answer = Client(HTTP_ACCEPT_LANGUAGE=language).get(path)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert f'<html lang="{language}">' in page
    assert f"<h1>{HEADINGS[language][path]}</h1>" in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("path", ["/", "/report/", "/requests/", "/privacy/"])
def test_the_residents_footer_links_both_pages(path: str, language: str) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get(path).content.decode()
    footer = page[page.index("<footer") : page.index("</footer>")]
    assert f'<a href="/privacy/">{HEADINGS[language]["/privacy/"]}</a>' in footer
    assert f'<a href="/accessibility/">{HEADINGS[language]["/accessibility/"]}</a>' in footer


@pytest.mark.django_db
@override_settings(
    CIVIC311_PRIVACY_CONTACT="privacy@springfield.example.gov",
    CIVIC311_RECORDS_RETENTION="Requests are kept for seven years.",
)
def test_the_pages_name_the_citys_contact_and_retention() -> None:
    privacy = Client().get("/privacy/").content.decode()
    assert "privacy@springfield.example.gov" in privacy
    assert "Requests are kept for seven years." in privacy
    assert "records schedule" not in privacy
    assert "privacy@springfield.example.gov" in Client().get("/accessibility/").content.decode()


@pytest.mark.django_db
def test_without_a_retention_setting_the_records_schedule_decides() -> None:
    privacy = Client().get("/privacy/").content.decode()
    assert "keeps service requests for as long as its records schedule requires" in privacy
    assert "deleted after 24 hours" in privacy
