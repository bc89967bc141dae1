"""Helpers for the residents' pages in tests: a report form's fields, images with EXIF."""

import io
import re
from typing import Any

from django.test import Client
from PIL import Image

from core.services import address_import_rows, area_upsert
from demo import geography
from intake.models import Service, ServiceAttribute

GPS_IFD = 0x8825


def jpeg_with_gps(size: tuple[int, int] = (640, 480)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {1: "N", 2: (43.0, 4.0, 12.0), 3: "W", 4: (89.0, 24.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def report_fields(client: Client, code: str, **values: Any) -> dict[str, Any]:
    """The form's own hidden attempt token plus the given values."""
    page = client.get(f"/report/{code}/").content.decode()
    match = re.search(r'name="attempt" value="([^"]+)"', page)
    assert match is not None
    fields: dict[str, Any] = {
        "attempt": match.group(1),
        "lat": "43.07",
        "long": "-89.40",
        "channel": "none",
        "language": "en",
    }
    fields.update(values)
    return fields


def error_messages(body: bytes) -> list[str]:
    return re.findall(r'usa-error-message"[^>]*>([^<]*)<', body.decode())


def riverton_limits_and_addresses() -> None:
    """The demo city's limits and two addresses on Oak Street, by the default test point."""
    area_upsert(kind="city-limits", name="City of Riverton", geometry=geography.CITY_LIMITS)
    address_import_rows(
        rows=[
            {"address_id": "A1", "address": "1200 Oak Street", "lat": "43.07", "long": "-89.40"},
            {"address_id": "A2", "address": "1300 Oak Street", "lat": "43.08", "long": "-89.40"},
        ]
    )


def pothole_with_questions(pothole: Service) -> Service:
    """A required size question, and Spanish for the service and the question."""
    ServiceAttribute.objects.create(
        service=pothole,
        code="size",
        description="How big is it?",
        datatype="singlevaluelist",
        required=True,
        values=[{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}],
        translations={
            "es": {
                "description": "¿Qué tan grande es?",
                "values": {"small": "Pequeño", "large": "Grande"},
            }
        },
    )
    pothole.translations = {"es": {"name": "Bache", "description": "Un hoyo en la calle."}}
    pothole.save()
    return pothole
