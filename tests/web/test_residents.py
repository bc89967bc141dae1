"""The residents' site through its pages: reporting, photos, addresses, status, the map."""

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from accounts.models import Role
from core.models import Address
from core.services import address_import_rows
from intake.commands import Requester
from intake.images import PhotoRejected, photo_clean
from intake.models import Follower, RequestPhoto, Service, ServiceRequest
from intake.services.photos import request_photo_store, request_photos_attach
from intake.tasks import remove_abandoned_photos
from notifications.models import MessageKind, OutboxMessage
from tests.factories import DepartmentFactory, make_request
from tests.web.helpers import (
    GPS_IFD,
    error_messages,
    jpeg_with_gps,
    pothole_with_questions,
    report_fields,
    riverton_limits_and_addresses,
)
from work.services import queue_claim_next
from work.timeliness import service_requests_send_still_on_it


@pytest.fixture
def riverton(db: None) -> None:
    riverton_limits_and_addresses()


@pytest.fixture
def pothole_questions(pothole: Service) -> Service:
    return pothole_with_questions(pothole)


def test_exif_and_gps_are_removed_from_photos() -> None:
    original = Image.open(io.BytesIO(jpeg_with_gps()))
    assert original.getexif().get_ifd(GPS_IFD)
    clean = photo_clean(io.BytesIO(jpeg_with_gps()))
    stored = Image.open(io.BytesIO(clean.image))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert Image.open(io.BytesIO(clean.thumbnail)).width <= 320


def test_a_renamed_pdf_is_not_a_photo() -> None:
    with pytest.raises(PhotoRejected) as caught:
        photo_clean(io.BytesIO(b"%PDF-1.7\n1 0 obj<<>>endobj\n"))
    assert caught.value.reason == "not_an_image"


def test_the_address_importer_skips_garbage_rows(db: None, tmp_path: Any) -> None:
    csv_file = tmp_path / "addresses.csv"
    csv_file.write_text(
        "address_id,address,lat,long,zipcode\n"
        "A1,1200 Oak Street,43.07,-89.40,53703\n"
        ",No id,43.07,-89.40,\n"
        "A2,,43.07,-89.40,\n"
        "A3,12 Elm Street,north,-89.40,\n"
        "A4,14 Elm Street,95,-89.40,\n"
        "A5,16 Elm Street,43.08,-89.41\n"
        "A1,1200 Oak Street Rear,43.0701,-89.4001,53703\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_addresses", str(csv_file), stdout=out, stderr=err)
    assert "2 imported, 4 skipped" in out.getvalue()
    assert "line 3" in err.getvalue()
    assert "line 6" in err.getvalue()
    assert Address.objects.get(address_id="A1").full_address == "1200 Oak Street Rear"
    assert Address.objects.get(address_id="A5").street == "Elm Street"


def test_address_type_ahead_and_nearest_address(riverton: None) -> None:
    client = Client()
    options = client.get("/addresses/?address=oak st").content.decode()
    assert "1200 Oak Street" in options
    assert "1300 Oak Street" in options
    assert "1200 Oak Street" in client.get("/addresses/?address=1200").content.decode()
    nearest = client.get("/addresses/nearest/?lat=43.0701&long=-89.4001").json()
    assert nearest == {"inside": True, "address": "1200 Oak Street", "address_id": "A1"}
    outside = client.get("/addresses/nearest/?lat=44.5&long=-89.4").json()
    assert outside["inside"] is False
    assert "outside the City of Riverton" in outside["message"]
    assert client.get("/addresses/nearest/?lat=x&long=1").status_code == 400


def test_a_resident_reports_in_spanish_and_messages_follow_in_spanish(
    riverton: None, pothole_questions: Service
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    form = client.get("/report/pothole/").content.decode()
    for spanish in ("Bache", "¿Qué tan grande es?", "Pequeño"):
        assert spanish in form
    fields = report_fields(
        client,
        "pothole",
        attribute_size="small",
        description="Hoyo profundo",
        channel="email",
        email="ana@example.org",
        language="es",
    )
    response = client.post("/report/pothole/", fields)
    assert response.status_code == 302
    created = ServiceRequest.objects.get()
    assert created.requester_language == "es"
    assert created.channel == "web"
    assert created.attributes == {"size": "small"}
    confirmation = client.get(response["Location"]).content.decode()
    assert created.public_id in confirmation
    assert "Streets and Roads" in confirmation
    message = OutboxMessage.objects.get(request=created)
    assert message.language == "es"
    assert "Bache" in message.body
    assert f"/requests/{created.public_id}/" in message.body


def test_a_rejected_report_keeps_what_was_typed_and_says_what_to_fix(
    riverton: None, pothole_questions: Service
) -> None:
    client = Client()
    fields = report_fields(client, "pothole", description="Huge hole by the school", channel="sms")
    response = client.post("/report/pothole/", fields)
    assert response.status_code == 400
    errors = error_messages(response.content)
    assert "Answer this question." in errors
    assert "A phone number is needed to send updates by text or phone." in errors
    assert "Huge hole by the school" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_report_without_a_place_names_every_other_field_to_fix_too(
    riverton: None, pothole_questions: Service
) -> None:
    """The resident fixes everything in one go: a missing place does not hide the bad
    email, the bad phone or the unanswered question until the next try."""
    client = Client()
    fields = report_fields(
        client, "pothole", lat="", long="", email="not-an-email", phone="12", channel="email"
    )
    response = client.post("/report/pothole/", fields)
    assert response.status_code == 400
    errors = error_messages(response.content)
    assert "Put the pin on the map, use your location, or type an address." in errors
    assert "Answer this question." in errors
    assert any("email" in e.lower() for e in errors), errors
    assert any("phone" in e.lower() for e in errors), errors
    assert len(errors) == 4, errors
    assert not ServiceRequest.objects.exists()


def test_a_point_outside_the_city_gets_a_clear_message(
    riverton: None, pothole_questions: Service
) -> None:
    client = Client()
    fields = report_fields(client, "pothole", attribute_size="small", lat="44.5")
    response = client.post("/report/pothole/", fields)
    assert response.status_code == 400
    assert any("outside the City of Riverton" in e for e in error_messages(response.content))


def test_the_honeypot_swallows_robots(riverton: None, pothole_questions: Service) -> None:
    client = Client()
    fields = report_fields(client, "pothole", attribute_size="small", website="http://spam")
    assert client.post("/report/pothole/", fields).status_code == 302
    assert not ServiceRequest.objects.exists()


def test_the_web_form_shares_the_per_address_limit_with_open311(
    riverton: None, pothole_questions: Service
) -> None:
    cache.set("throttle-count_open311_anon_write_ip-127.0.0.1", 10_000, 60)
    client = Client()
    fields = report_fields(client, "pothole", attribute_size="small")
    response = client.post("/report/pothole/", fields)
    assert response.status_code == 429
    assert "many reports" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_the_same_attempt_sent_twice_makes_one_request(
    riverton: None, pothole_questions: Service
) -> None:
    client = Client()
    fields = report_fields(client, "pothole", attribute_size="small")
    first = client.post("/report/pothole/", fields)
    second = client.post("/report/pothole/", fields)
    assert first["Location"] == second["Location"]
    assert ServiceRequest.objects.count() == 1


def test_photos_are_checked_cleaned_and_attached(
    riverton: None, pothole_questions: Service
) -> None:
    client = Client()
    fields = report_fields(client, "pothole", description="Hole")
    good = SimpleUploadedFile("hole.jpg", jpeg_with_gps(), content_type="image/jpeg")
    pdf = SimpleUploadedFile("hole.jpg", b"%PDF-1.4 not really", content_type="image/jpeg")
    response = client.post("/report/pothole/", {**fields, "photos": [good, pdf]})
    assert response.status_code == 400  # the size question is unanswered, the pdf refused
    body = response.content.decode()
    assert "hole.jpg is not a photo we can open" in body
    assert "1 photo is kept" in body
    kept = RequestPhoto.objects.get()
    again = client.post(
        "/report/pothole/", {**fields, "attribute_size": "large", "photo_keys": [kept.key]}
    )
    assert again.status_code == 302
    created = ServiceRequest.objects.get()
    kept.refresh_from_db()
    assert kept.request == created
    assert created.media_urls == [f"http://127.0.0.1:8000/photos/{kept.key}.jpg"]
    served = client.get(f"/photos/{kept.key}.jpg")
    assert served.status_code == 200
    stored = Image.open(io.BytesIO(b"".join(served.streaming_content)))  # type: ignore[attr-defined]
    assert not stored.getexif()
    status_page = client.get(f"/requests/{created.public_id}/").content.decode()
    assert f"/photos/{kept.key}-thumb.jpg" in status_page


@override_settings(CIVIC311_PHOTO_MAX_BYTES=1000)
def test_a_photo_too_large_is_refused_with_the_limit(
    riverton: None, pothole_questions: Service
) -> None:
    client = Client()
    fields = report_fields(client, "pothole", attribute_size="small", description="Hole")
    big = SimpleUploadedFile("big.jpg", jpeg_with_gps((1200, 900)), content_type="image/jpeg")
    response = client.post("/report/pothole/", {**fields, "photos": [big]})
    assert response.status_code == 400
    assert "big.jpg is larger than 10 MB" in response.content.decode()
    assert not RequestPhoto.objects.exists()


def test_the_status_page_shows_no_personal_data(riverton: None, pothole: Service) -> None:
    from intake.services import Requester

    created = make_request(
        pothole,
        requester=Requester(
            first_name="Ana", last_name="Zeta", email="ana@example.org", phone="+16085550100"
        ),
    )
    page = Client().get(f"/requests/{created.public_id}/").content.decode()
    assert created.public_id in page
    assert "Streets and Roads" in page
    for personal in ("Ana", "Zeta", "ana@example.org", "5550100"):
        assert personal not in page


def test_following_a_request_subscribes_the_resident(riverton: None, pothole: Service) -> None:
    created = make_request(pothole)
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    response = client.post(
        f"/requests/{created.public_id}/follow/", {"email": "vecina@example.org"}
    )
    assert response.status_code == 302
    follower = Follower.objects.get(request=created)
    assert follower.email == "vecina@example.org"
    assert follower.language == "es"
    bad = client.post(f"/requests/{created.public_id}/follow/", {"email": "nope"})
    assert bad.status_code == 400


def test_nearby_open_requests_are_offered_before_submitting(
    riverton: None, pothole: Service
) -> None:
    existing = make_request(pothole)
    partial = Client().get("/report/pothole/nearby/?lat=43.0701&long=-89.4001").content.decode()
    assert existing.public_id in partial
    assert "Follow it instead" in partial
    far = Client().get("/report/pothole/nearby/?lat=43.1&long=-89.35").content.decode()
    assert existing.public_id not in far


def test_sensitive_requests_are_shown_only_to_the_block(riverton: None, pothole: Service) -> None:
    pothole.is_sensitive = True
    pothole.save()
    created = make_request(pothole, address="1234 Oak Street")
    features = Client().get("/requests/map.geojson").json()["features"]
    (feature,) = [f for f in features if f["properties"]["reference"] == created.public_id]
    long, lat = feature["geometry"]["coordinates"]
    assert (long, lat) != (-89.40, 43.07)
    assert abs(long + 89.40) < 0.003
    assert abs(lat - 43.07) < 0.002
    listing = Client().get("/requests/").content.decode()
    assert "1234 Oak Street" not in listing
    assert "Oak Street" in listing


def test_the_public_list_filters_and_pages(
    riverton: None, pothole: Service, missed_trash: Service
) -> None:
    for _ in range(3):
        make_request(pothole)
    make_request(missed_trash)
    client = Client()
    assert "4 requests" in client.get("/requests/").content.decode()
    assert "3 requests" in client.get("/requests/?service=pothole").content.decode()
    assert "0 requests" in client.get("/requests/?status=closed").content.decode()
    assert client.get("/requests/?page=999").status_code == 200


def test_reference_lookup_from_home(riverton: None, pothole: Service) -> None:
    created = make_request(pothole)
    client = Client()
    found = client.get(f"/requests/lookup/?reference={created.public_id.lower()}")
    assert found["Location"] == f"/requests/{created.public_id}/"
    missing = client.get("/requests/lookup/?reference=99-999999", follow=True)
    assert "could not find a request" in missing.content.decode()


def test_service_search_and_description_suggestions(db: None, pothole_questions: Service) -> None:
    client = Client()
    assert "Pothole" in client.get("/report/?q=pothole").content.decode()
    assert "No service matches" in client.get("/report/?q=zzzz").content.decode()
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es").get("/report/?q=bache").content.decode()
    assert "Bache" in spanish


def _stored_photo(upload_key: str, hours_ago: float) -> RequestPhoto:
    photo = request_photo_store(
        upload_key=upload_key, source=io.BytesIO(jpeg_with_gps()), size=1000
    )
    RequestPhoto.objects.filter(pk=photo.pk).update(
        created_at=timezone.now() - timedelta(hours=hours_ago)
    )
    return photo


def test_photos_of_reports_never_sent_are_removed_after_the_window(pothole: Service) -> None:
    abandoned = _stored_photo("gave-up", hours_ago=25)
    recent = _stored_photo("still-typing", hours_ago=1)
    attached = _stored_photo("sent", hours_ago=48)
    request_photos_attach(service_request=make_request(pothole), photos=[attached])
    files = {p.pk: (p.image.name, p.thumbnail.name) for p in (abandoned, recent, attached)}
    storage = abandoned.image.storage
    assert all(storage.exists(name) for names in files.values() for name in names)

    schedule = django_settings.CELERY_BEAT_SCHEDULE["remove-abandoned-photos"]
    assert schedule["task"] == remove_abandoned_photos.name
    assert remove_abandoned_photos() == 1  # what beat runs every hour
    assert set(RequestPhoto.objects.values_list("pk", flat=True)) == {recent.pk, attached.pk}
    assert not any(storage.exists(name) for name in files[abandoned.pk])
    assert all(storage.exists(name) for name in (*files[recent.pk], *files[attached.pk]))


def test_the_command_removes_abandoned_photos_with_its_own_window(pothole: Service) -> None:
    _stored_photo("gave-up", hours_ago=3)
    out = io.StringIO()
    call_command("remove_abandoned_photos", stdout=out)
    assert "0 abandoned photos removed" in out.getvalue()
    call_command("remove_abandoned_photos", "--hours", "2", stdout=out)
    assert "1 abandoned photos removed" in out.getvalue()
    assert not RequestPhoto.objects.exists()


def test_streets_are_drawn_from_the_address_points(db: None) -> None:
    rows = [  # Oak Street's two sides (odd and even), out of order, then a gap of ~3 km
        {"address_id": "O1", "address": "101 Oak Street", "lat": "43.0700", "long": "-89.4000"},
        {"address_id": "O2", "address": "102 Oak Street", "lat": "43.0701", "long": "-89.3990"},
        {"address_id": "O4", "address": "121 Oak Street", "lat": "43.0700", "long": "-89.3970"},
        {"address_id": "O3", "address": "120 Oak Street", "lat": "43.0701", "long": "-89.3980"},
        {"address_id": "O5", "address": "900 Oak Street", "lat": "43.0700", "long": "-89.3600"},
        {"address_id": "O6", "address": "902 Oak Street", "lat": "43.0700", "long": "-89.3590"},
        {"address_id": "E1", "address": "5 Elm Street", "lat": "43.0800", "long": "-89.4000"},
    ]
    address_import_rows(rows=rows)
    answer = Client().get("/map/streets.geojson")
    assert answer.status_code == 200
    assert "public" in answer["Cache-Control"]
    lines = [(f["properties"]["name"], f["geometry"]) for f in answer.json()["features"]]
    # Elm Street has one point: no line. Oak Street is two lines, split at the gap.
    assert [name for name, _ in lines] == ["Oak Street", "Oak Street"]
    first, second = (geometry["coordinates"] for _, geometry in lines)
    assert first[0] == [-89.4, 43.07]
    assert first[-1] == [-89.397, 43.07]
    assert len(first) <= 3  # the zig-zag between the two sides is simplified away
    assert second == [[-89.36, 43.07], [-89.359, 43.07]]


def test_the_map_data_is_shared_until_a_request_or_the_catalogue_changes(
    riverton: None, pothole: Service
) -> None:
    def references() -> list[str]:
        features = Client().get("/requests/map.geojson").json()["features"]
        return [f["properties"]["reference"] for f in features]

    def point_of(reference: str) -> list[float]:
        features = Client().get("/requests/map.geojson").json()["features"]
        found = next(f for f in features if f["properties"]["reference"] == reference)
        return [float(value) for value in found["geometry"]["coordinates"]]

    first = make_request(pothole)
    assert references() == [first.public_id]
    second = make_request(pothole)  # a write: the shared copy is not used any more
    assert references() == [second.public_id, first.public_id]
    assert point_of(first.public_id) == [-89.4, 43.07]
    pothole.is_sensitive = True  # the exact points must go at once, not after a while
    pothole.save()
    assert point_of(first.public_id) != [-89.4, 43.07]


def test_a_renamed_service_shows_on_the_map_at_once(riverton: None, pothole: Service) -> None:
    def names(language: str) -> set[str]:
        answer = Client().get("/requests/map.geojson", HTTP_ACCEPT_LANGUAGE=language)
        return {f["properties"]["service"] for f in answer.json()["features"]}

    make_request(pothole)
    assert names("en") == {"Pothole"}
    pothole.name = "Pothole or sinkhole"  # as the admin or the API saves it: no request written
    pothole.save()
    assert names("en") == {"Pothole or sinkhole"}
    pothole.translations = {"es": {"name": "Bache o socavón"}}
    pothole.save()
    assert names("es") == {"Bache o socavón"}


@override_settings(DEBUG=True)
@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/survey/no-such-token/", "This link is no longer valid"),
        ("/my-requests/sign-in/no-such-token/", "This link has expired or has already been used"),
        ("/requests/lookup/?reference=99-999999", "could not find a request with that reference"),
    ],
)
def test_with_debug_on_a_dead_link_still_says_what_to_do(db: None, path: str, text: str) -> None:
    """These pages answer 404 with their own words (and a way on): the product's generic
    404, shown in their place with DEBUG on, left the resident at a dead end."""
    response = Client().get(path)
    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Choose a number from 1 to 10.", "Were you treated courteously? Choose yes"]),
        ("es", ["Elija un número del 1 al 10.", "¿Le trataron con cortesía? Elija sí o no."]),
    ],
)
def test_an_unanswered_survey_says_what_to_choose_in_plain_words(
    pothole: Service, make_user: Any, streets: Any, language: str, words: list[str]
) -> None:
    from accounts.models import Role
    from intake.commands import Requester
    from intake.services import service_request_change_status
    from notifications.models import SurveyInvitation

    created = make_request(pothole, requester=Requester(email="ana@example.org", channel="email"))
    worker = make_user(Role.DEPARTMENT_STAFF, [streets])
    service_request_change_status(
        service_request=created, to_status="resolved", actor=worker, note="Patched."
    )
    survey = SurveyInvitation.objects.get(request=created)
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(f"/survey/{survey.token}/", {})
    assert response.status_code == 400
    body = response.content.decode()
    for text in words:
        assert text in body
    assert "?:" not in body
    assert "This field is required" not in body
    assert "Este campo es requerido" not in body


def test_the_sign_in_form_asks_for_the_email_in_plain_words(db: None) -> None:
    body = Client().post("/my-requests/", {"email": ""}).content.decode()
    assert "Give your email address." in body
    assert "This field is required" not in body


def test_a_dead_survey_link_does_not_say_the_same_thing_twice(db: None) -> None:
    body = Client().get("/survey/no-such-token/").content.decode()
    assert body.count("This link is no longer valid") == 1
    assert "If you need help, call 3-1-1." in body


def test_spanish_dates_read_as_spanish(riverton: None, pothole: Service) -> None:
    """'lunes 7 diciembre 2026' is not how Spanish writes a date: 'lunes, 7 de diciembre de
    2026'; and a short date has its month in lower case ('29 nov 2026')."""
    created = make_request(pothole)
    promised = timezone.now() + timedelta(days=30)
    ServiceRequest.objects.filter(pk=created.pk).update(promised_at=promised)
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es")
    body = spanish.get(f"/requests/{created.public_id}/").content.decode()
    assert f" de {promised:%Y}" in body
    assert ", " + str(timezone.localtime(promised).day) + " de " in body
    listed = spanish.get("/requests/").content.decode()
    short = re.search(r'data-label="Reportada">([^<]+)<', listed)
    assert short is not None
    assert re.fullmatch(r"\d{1,2} [a-zé]{3,4}\.? \d{4}", short.group(1)), short.group(1)


def test_a_missed_date_is_owned_with_an_apology(riverton: None, pothole: Service) -> None:
    """C7/C9: a promised date that has passed is not shown as if it were still ahead."""
    created = make_request(pothole)
    ServiceRequest.objects.filter(pk=created.pk).update(
        promised_at=timezone.now() - timedelta(days=2)
    )
    body = Client().get(f"/requests/{created.public_id}/").content.decode()
    assert "We aimed to finish by" in body
    assert "taking longer than we said, and we are sorry" in body
    assert "We aim to finish by" not in body
    ServiceRequest.objects.filter(pk=created.pk).update(
        promised_at=timezone.now() + timedelta(days=2)
    )
    body = Client().get(f"/requests/{created.public_id}/").content.decode()
    assert "We aim to finish by" in body
    assert "sorry" not in body


def test_a_reference_not_found_keeps_what_was_typed_at_its_field(
    riverton: None, pothole: Service
) -> None:
    created = make_request(pothole)
    client = Client()
    spaced = created.public_id.replace("-", " - ")
    found = client.get("/requests/lookup/", {"reference": f" {spaced} "})
    assert found["Location"] == f"/requests/{created.public_id}/"
    missing = client.get("/requests/lookup/", {"reference": "99-999999"})
    assert missing.status_code == 404
    body = missing.content.decode()
    assert 'value="99-999999"' in body
    assert 'aria-invalid="true"' in body
    assert 'id="reference-error"' in body
    empty = client.get("/requests/lookup/", {"reference": ""})
    assert empty.status_code == 400
    assert "Type the reference number" in empty.content.decode()


def test_the_recent_map_says_what_its_colours_mean(riverton: None, pothole: Service) -> None:
    """Open and closed pins differ only by colour: the key says which is which."""
    make_request(pothole)
    body = Client(HTTP_ACCEPT_LANGUAGE="es").get("/requests/").content.decode()
    key = re.search(r'<ul class="map-legend"[^>]*>(.*?)</ul>', body, re.S)
    assert key is not None
    assert "Abiertas" in key.group(1)
    assert "Cerradas" in key.group(1)


def test_a_service_that_needs_contact_details_asks_for_them_instead_of_failing(
    riverton: None, pothole_questions: Service
) -> None:
    """Marking the missing contact removed the email from the form's cleaned data, and the
    check of the other fields then read it: a 500 that lost the report."""
    Service.objects.filter(pk=pothole_questions.pk).update(allows_anonymous=False)
    client = Client()
    fields = report_fields(client, "pothole", email="", phone="", channel="none")
    response = client.post("/report/pothole/", fields)
    assert response.status_code == 400
    errors = error_messages(response.content)
    assert "For this service we need an email address or a phone number to reach you." in errors
    assert "Answer this question." in errors
    assert not ServiceRequest.objects.exists()


def test_the_department_is_named_in_the_residents_language(
    riverton: None, pothole_questions: Service
) -> None:
    """A city that translates a department's public name has it on Spanish pages and in
    Spanish messages; without a translation the public name stays."""
    department = pothole_questions.default_department
    assert department is not None
    department.translations = {"es": {"public_name": "Calles y Vías"}}
    department.save(update_fields=["translations"])
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    fields = report_fields(
        client,
        "pothole",
        attribute_size="small",
        channel="email",
        email="ana@example.org",
        language="es",
    )
    response = client.post("/report/pothole/", fields)
    created = ServiceRequest.objects.get()
    assert "Calles y Vías" in client.get(response["Location"]).content.decode()
    assert "Calles y Vías" in client.get(f"/requests/{created.public_id}/").content.decode()
    assert "Calles y Vías" in OutboxMessage.objects.get(request=created).body
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/requests/{created.public_id}/")
    assert department.public_name in english.content.decode()
    assert "Calles y Vías" not in english.content.decode()


def test_the_catch_all_group_comes_last_in_both_languages(riverton: None) -> None:
    """Residents look for what their problem is first; "Other" sorted among the named groups
    (it came before "Parks" and "Streets")."""
    department = DepartmentFactory.create(slug="streets-x", name="Streets X")
    for code, group, spanish in [
        ("zz-other", "Other", "Otro"),
        ("aa-park", "Parks and trees", "Parques y árboles"),
        ("bb-road", "Streets", "Calles"),
    ]:
        Service.objects.create(
            code=code,
            name=code,
            group=group,
            default_department=department,
            translations={"es": {"group": spanish}},
        )
    for language, last in (("en", "Other"), ("es", "Otro")):
        page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/report/").content.decode()
        headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", page)
        named = [h.strip() for h in headings if h.strip() in {last, "Streets", "Calles"}]
        assert named[-1] == last, headings


def test_notes_the_system_writes_are_in_the_residents_language(
    riverton: None, pothole_questions: Service, make_user: Any
) -> None:
    """Claiming a new request and the "still on it" update write their own notes; a Spanish
    reader gets them in Spanish, on the status page and in the message, with the
    department's Spanish name. An English reader gets the English."""
    department = pothole_questions.default_department
    assert department is not None
    department.translations = {"es": {"public_name": "Calles y Vías"}}
    department.save(update_fields=["translations"])
    spanish = make_request(
        pothole_questions,
        attributes={"size": "small"},
        requester=Requester(email="ana@example.org", channel="email", language="es"),
    )
    queue_claim_next(actor=make_user(Role.DEPARTMENT_STAFF, [department]), department=department)
    ServiceRequest.objects.filter(pk=spanish.pk).update(
        last_public_update_at=timezone.now() - timedelta(days=8)
    )
    assert service_requests_send_still_on_it() == 1

    page = Client(HTTP_ACCEPT_LANGUAGE="es").get(f"/requests/{spanish.public_id}/")
    text = page.content.decode()
    assert "Calles y Vías tiene su solicitud y alguien ya está trabajando en ella." in text
    assert "Calles y Vías sigue trabajando en esta solicitud." in text
    claimed = OutboxMessage.objects.get(request=spanish, kind=MessageKind.STATUS_CHANGED)
    assert "Calles y Vías tiene su solicitud y alguien ya está trabajando en ella." in claimed.body
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/requests/{spanish.public_id}/")
    assert f"{department.public_name} is still working on this request." in english.content.decode()
