"""A published Open311 client (georeport, from PyPI) talks to a live civic311 server."""

from typing import Any

import pytest
import requests
from georeport import GeoReport

from intake.models import ServiceRequest

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_client_reads_and_a_plain_form_post_writes(
    live_server: Any, api_key: str, catalogue: dict[str, Any], output_format: str
) -> None:
    root = f"{live_server.url}/open311/v2"
    # Writing: GeoReport v2 POST is a form post; the client library only reads.
    posted = requests.post(
        f"{root}/requests.{output_format}",
        data={
            "api_key": api_key,
            "jurisdiction_id": "riverton.example.gov",
            "service_code": "pothole",
            "lat": "43.07",
            "long": "-89.40",
            "attribute[size]": "small",
            "description": "Pothole outside the library",
            "email": "reader@example.org",
        },
        timeout=10,
    )
    assert posted.status_code == 200, posted.text
    created = ServiceRequest.objects.get()
    # A realtime service answers service_request_id, and then no token (GeoReport v2).
    assert created.public_id in posted.text
    assert "token" not in posted.text

    client = GeoReport(root, jurisdiction="riverton.example.gov", output_format=output_format)
    services = client.get_service_list()
    codes = {s["service_code"] for s in (services if isinstance(services, list) else [services])}
    assert codes == {"pothole", "missed-trash"}
    definition = client.get_service_definition("pothole")
    assert definition["service_code"] == "pothole"
    found = client.get_service_requests(service_code="pothole", status="open")
    found = found if isinstance(found, list) else [found]
    assert [r["service_request_id"] for r in found] == [created.public_id]
    one = client.get_service_request(created.public_id)
    assert one["service_request_id"] == created.public_id
    assert one["agency_responsible"] == "Streets and Roads"
    assert "reader@example.org" not in str(one)
    # tokens/{token} keeps answering for a request that has one.
    by_token = requests.get(f"{root}/tokens/{created.token}.json", timeout=10)
    assert by_token.json() == [{"service_request_id": created.public_id, "token": created.token}]
