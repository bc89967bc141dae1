"""The residents' site in headless Chromium, offline (any other host fails the test)."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from accounts.models import Role
from core.services import address_import_rows
from demo import geography
from intake.models import Follower, Service, ServiceRequest
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    OfflinePage,
    assert_accessible,
    needs_chromium,
    screenshot,
)
from tests.web.helpers import (
    jpeg_with_gps,
    pothole_with_questions,
    riverton_limits_and_addresses,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), needs_chromium]
README_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WORDS = {
    "en": {"send": "Send the report", "thanks": "We have your report", "follow": "Follow"},
    "es": {"send": "Enviar el reporte", "thanks": "Tenemos su reporte", "follow": "Seguir"},
}


@pytest.fixture
def city(pothole: Service) -> Service:
    riverton_limits_and_addresses()
    return pothole_with_questions(pothole)


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "hole.jpg"
    path.write_bytes(jpeg_with_gps())
    return path


def _fill_report(page: Page, server: str, photo: Path | None, description: str) -> None:
    page.goto(f"{server}/report/pothole/")
    page.click("label[for=id_attribute_size_0]")
    page.wait_for_function("() => window.civicReportMap && window.civicReportMap.map.isRendered()")
    page.locator("#report-map").scroll_into_view_if_needed()
    for _ in range(3):  # OpenLayers tells a tap from a double tap after 250 ms
        page.click("#report-map", position={"x": 150, "y": 150})
        try:
            page.wait_for_function(
                "() => document.getElementById('id_lat').value !== ''", timeout=5000
            )
            break
        except PlaywrightTimeout:
            continue
    page.fill("#id_description", description)
    if photo is not None:
        page.set_input_files("#id_photos", str(photo))


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_resident_reports_a_pothole_then_a_neighbour_follows_it(
    live_server: Any,
    offline: OfflinePage,
    city: Service,
    tmp_path: Path,
    client_for: Any,
    make_user: Any,
    streets: Any,
    language: str,
) -> None:
    server = live_server.url
    words = WORDS[language]
    page = offline.open(PHONE, locale=language)
    _fill_report(page, server, _photo(tmp_path), "Deep hole by the bus stop")
    page.click("label[for=id_channel_1]")  # email
    page.fill("#id_email", "ana@example.org")
    if language == "en":
        screenshot(page, "phone-report", folder=README_SHOTS)
    page.click(f"button:has-text('{words['send']}')")
    expect(page.locator("h1")).to_contain_text(words["thanks"])
    reference = page.inner_text(".reference")
    created = ServiceRequest.objects.get(public_id=reference)
    assert created.requester_language == language
    assert created.photos.count() == 1
    assert_accessible(page, label="confirmation")

    # A neighbour reports the same hole: the report offers to follow instead.
    neighbour = offline.open(PHONE, locale=language)
    _fill_report(neighbour, server, None, "Same hole")
    expect(neighbour.locator("#nearby")).to_contain_text(reference)
    neighbour.click("#nearby a.follow-instead")
    neighbour.fill("#follow-email", "neighbour@example.org")
    neighbour.click(f"#follow button:has-text('{words['follow']}')")
    expect(neighbour.locator(".usa-alert--success")).to_contain_text(reference)
    assert Follower.objects.filter(request=created, email="neighbour@example.org").exists()
    assert ServiceRequest.objects.count() == 1

    # Staff change the status through the API; the status page says so.
    worker = make_user(Role.DEPARTMENT_STAFF, [streets])
    answer = client_for(worker).post(
        f"/api/v1/requests/{created.public_id}/status/",
        {"status": "in_progress", "note": "Crew booked."},
    )
    assert answer.status_code == 200, answer.content
    page.goto(f"{server}/requests/{reference}/")
    expect(page.locator("#status")).to_contain_text(
        "In progress" if language == "en" else "En curso"
    )
    expect(page.locator(".timeline")).to_contain_text("Crew booked.")
    assert page.locator(".photo-list img").count() == 1
    assert_accessible(page, label="status page")
    if language == "en":
        screenshot(page, "status-page", folder=README_SHOTS)


def test_bad_photos_get_a_clear_message_and_the_text_is_kept(
    live_server: Any, phone_page: Page, city: Service, tmp_path: Path
) -> None:
    page = phone_page
    pdf = tmp_path / "hole.jpg"
    pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 2000)
    _fill_report(page, live_server.url, None, "Text I do not want to type again")
    page.set_input_files("#id_photos", str(pdf))
    page.click("button:has-text('Send the report')")
    expect(page.locator("#error-summary")).to_contain_text("hole.jpg is not a photo we can open")
    assert page.input_value("#id_description") == "Text I do not want to type again"
    assert_accessible(page, label="rejected report")
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(jpeg_with_gps() + b"\0" * (40 * 1024 * 1024))
    page.set_input_files("#id_photos", str(huge))
    page.click("button:has-text('Send the report')")
    expect(page.locator("#error-summary")).to_contain_text("huge.jpg is larger than 10 MB")
    assert page.input_value("#id_description") == "Text I do not want to type again"
    assert not ServiceRequest.objects.exists()


def test_an_offline_submit_is_kept_as_a_draft_and_sent_when_back_online(
    live_server: Any, phone_page: Page, city: Service
) -> None:
    page = phone_page
    _fill_report(page, live_server.url, None, "Written on the bus")
    page.context.set_offline(True)
    page.click("button:has-text('Send the report')")
    expect(page.locator("#draft-status")).to_contain_text("You are offline")
    draft = page.evaluate("() => localStorage.getItem('civic311-draft-report-pothole')")
    assert "Written on the bus" in draft
    assert not ServiceRequest.objects.exists()
    page.context.set_offline(False)
    expect(page.locator("h1")).to_contain_text("We have your report", timeout=15000)
    assert ServiceRequest.objects.get().description == "Written on the bus"
    # The confirmation page's script forgets the draft once it has run: wait for it (bounded).
    page.wait_for_function(
        "() => localStorage.getItem('civic311-draft-report-pothole') === null", timeout=15000
    )


def _tab_to(page: Page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key")


def test_a_keyboard_only_report_from_start_to_confirmation(
    live_server: Any, desktop_page: Page, city: Service
) -> None:
    page = desktop_page
    page.goto(live_server.url + "/")
    _tab_to(page, "main a[href='/report/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/report/")
    _tab_to(page, "a[href='/report/pothole/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/report/pothole/")
    _tab_to(page, "#id_attribute_size_0")
    page.keyboard.press("Space")
    _tab_to(page, "#id_address")
    page.keyboard.type("1200 Oak Street")
    _tab_to(page, "#id_description")
    page.keyboard.type("Keyboard report")
    _tab_to(page, "button[type=submit].usa-button--big")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("We have your report")
    created = ServiceRequest.objects.get()
    assert created.address == "1200 Oak Street"
    assert created.attributes == {"size": "small"}


PUBLIC_PAGES = [
    "/",
    "/report/",
    "/report/?describe=hole+in+the+road",
    "/report/pothole/",
    "/requests/",
    "/my-requests/",
    "/offline/",
    "/privacy/",
    "/accessibility/",
    "/nowhere/",
    "/requests/lookup/?reference=99-999999",
]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_public_page_has_no_axe_violations(
    live_server: Any, offline: OfflinePage, city: Service, language: str
) -> None:
    from tests.factories import make_request

    created = make_request(city, attributes={"size": "small"})
    pages = [*PUBLIC_PAGES, f"/requests/{created.public_id}/", f"/report/sent/{created.public_id}/"]
    for viewport in (PHONE, DESKTOP):
        page = offline.open(viewport, locale=language)
        for path in pages:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            assert page.get_attribute("html", "lang") == language
            assert_accessible(page, label=f"{path} {language} {viewport['width']}")
            slug = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
            screenshot(page, f"public-{slug or 'home'}-{language}")
            if viewport is PHONE:
                width = page.evaluate("() => document.documentElement.scrollWidth")
                assert width <= viewport["width"], f"{path} scrolls sideways ({width}px)"
        page.context.close()


def test_the_site_works_at_320_pixels(
    live_server: Any, offline: OfflinePage, city: Service
) -> None:
    page = offline.open({"width": 320, "height": 640})
    for path in ("/", "/report/", "/report/pothole/", "/requests/"):
        page.goto(live_server.url + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width}px wide"
    screenshot(page, "report-320")
    page.context.close()


def test_the_manifest_and_service_worker_make_it_installable(
    live_server: Any, desktop_page: Page
) -> None:
    page = desktop_page
    page.goto(live_server.url + "/")
    manifest = page.evaluate("() => fetch('/manifest.webmanifest').then(r => r.json())")
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    ready = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.active !== null)")
    assert ready is True


def test_without_a_tile_server_the_map_draws_the_citys_streets(
    live_server: Any, offline: OfflinePage, city: Service
) -> None:
    address_import_rows(rows=geography.demo_addresses())
    for viewport in (PHONE, DESKTOP):
        page = offline.open(viewport)
        page.goto(f"{live_server.url}/report/pothole/")
        page.wait_for_function(
            "() => window.civicReportMap && window.civicReportMap.map.isRendered()"
        )
        page.wait_for_load_state("networkidle")
        streets = page.evaluate("() => fetch('/map/streets.geojson').then(r => r.json())")
        assert len(streets["features"]) >= 20
        page.locator("#report-map").scroll_into_view_if_needed()
        page.wait_for_timeout(500)  # OpenLayers draws on the next animation frames
        screenshot(page, "report-map-streets")
        page.evaluate("() => window.civicReportMap.map.getView().setZoom(16)")
        page.wait_for_timeout(800)
        close_up = SCREENSHOTS / f"map-streets-z16-{viewport['width']}x{viewport['height']}.png"
        page.locator("#report-map").screenshot(path=str(close_up))
        page.context.close()


def test_the_photo_box_speaks_the_pages_language(
    live_server: Any, offline: OfflinePage, city: Service, tmp_path: Path
) -> None:
    """USWDS writes its file box's words in English from its script: a Spanish page shows
    them in Spanish before and after photos are chosen, and so does what it reads aloud."""
    page = offline.open(DESKTOP, locale="es")
    page.goto(f"{live_server.url}/report/pothole/")
    # The switch names each language in itself: a reader who needs English reads "English".
    expect(page.locator(".language-switch__button")).to_have_text("English")
    box = page.locator(".usa-file-input")
    expect(box.locator(".usa-file-input__instructions")).to_contain_text(
        "Arrastre los archivos aquí o elíjalos de una carpeta"
    )
    first, second = tmp_path / "one.jpg", tmp_path / "two.jpg"
    first.write_bytes(jpeg_with_gps())
    second.write_bytes(jpeg_with_gps())
    page.set_input_files("#id_photos", [str(first), str(second)])
    expect(box.locator(".usa-file-input__preview-heading")).to_have_text(
        "2 archivos seleccionados Cambiar los archivos"
    )
    expect(page.locator("#id_photos")).to_have_attribute("aria-label", "Cambiar los archivos")
    expect(box.locator(".usa-sr-only").first).to_have_text(
        "Ha seleccionado 2 archivos: one.jpg, two.jpg", timeout=5000
    )
    shown = box.inner_text()
    assert "Drag" not in shown
    assert "selected" not in shown
    page.locator("#id_photos").scroll_into_view_if_needed()
    screenshot(page, "report-photos-es")


def test_the_service_search_label_sits_right_above_its_box(
    live_server: Any, page: Page, city: Service
) -> None:
    """USWDS's search form lays its children out in a row: the visible label stood to the
    left of the box and below its top, at desktop size."""
    page.goto(f"{live_server.url}/report/")
    label = page.locator("label[for=q]").bounding_box()
    box = page.locator("#q").bounding_box()
    assert label is not None
    assert box is not None
    assert abs(label["x"] - box["x"]) <= 1, f"label at x={label['x']}, box at x={box['x']}"
    gap = box["y"] - (label["y"] + label["height"])
    assert 0 <= gap <= 16, f"label ends {gap}px above the box"
    assert_accessible(page, label="service search")


def test_the_service_search_button_shows_its_whole_word_on_a_phone(
    live_server: Any, offline: OfflinePage, city: Service
) -> None:
    """USWDS sizes its search button for an icon on a phone: "Buscar" ran out of it."""
    page = offline.open(PHONE, locale="es")
    page.goto(f"{live_server.url}/report/")
    button = page.locator(".service-search button[type=submit]")
    expect(button).to_have_text("Buscar")
    overflow = button.evaluate("b => b.scrollWidth - b.clientWidth")
    assert overflow <= 0, f"the word is {overflow}px wider than its button"
    page.context.close()


def test_on_a_phone_the_facts_stack_and_references_stay_whole(
    live_server: Any, offline: OfflinePage, city: Service
) -> None:
    """The Spanish names' column left each answer a few words wide, and the reference in the
    heading broke at its hyphen."""
    from tests.factories import make_request

    created = make_request(city, attributes={"size": "small"})
    page = offline.open(PHONE, locale="es")
    for path in (f"/report/sent/{created.public_id}/", f"/requests/{created.public_id}/"):
        page.goto(live_server.url + path)
        for fact in page.locator(".facts dd").all():
            box = fact.bounding_box()
            assert box is not None
            assert box["width"] >= 300, f"{path}: an answer {box['width']}px wide"
        reference = page.locator("h1 .unbroken, .reference").first
        lines = reference.evaluate("e => e.getClientRects().length")
        assert lines == 1, f"{path}: the reference breaks over {lines} lines"
    page.goto(f"{live_server.url}/")
    assert page.locator("#reference-hint .unbroken").evaluate("e => e.getClientRects().length") == 1
    page.context.close()


def test_the_report_forms_sections_stand_apart(live_server: Any, page: Page, city: Service) -> None:
    """A legend's margin does nothing at the top of its fieldset: "Where is it?" touched the
    last answer above it, and "How can we reach you?" the photo box."""
    page.goto(f"{live_server.url}/report/pothole/")
    gaps = page.locator(".report-form legend.usa-legend--large").evaluate_all(
        """legends => legends.map(legend => {
            const above = legend.closest('fieldset').previousElementSibling;
            return legend.getBoundingClientRect().top - above.getBoundingClientRect().bottom;
        })"""
    )
    assert len(gaps) == 2
    assert all(gap >= 24 for gap in gaps), gaps


def test_the_recent_requests_list_uses_the_pages_width_on_a_phone(
    live_server: Any, phone_page: Page, city: Service
) -> None:
    from tests.factories import make_request

    make_request(city, attributes={"size": "small"})
    phone_page.goto(f"{live_server.url}/requests/")
    table = phone_page.locator(".recent-table").bounding_box()
    main = phone_page.locator("main").evaluate("m => m.clientWidth")
    assert table is not None
    assert table["width"] >= main - 40, f"the list is {table['width']}px of {main}px"
