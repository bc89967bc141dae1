"""Read replicas: marked reads go to a replica, writes and a recent writer's reads to the primary.

The replica here is a second connection (alias `replica-test`) to the test database, so the
tests see which connection each query went to; the router itself does not care whether the
alias is a real streaming replica.
"""

from collections.abc import Iterator

import pytest
from django.db import connections, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from core.dbrouter import WROTE_COOKIE, read_alias, reading_from_replica
from intake.models import Service, ServiceRequest
from open311.services import api_key_issue

REPLICA = "replica-test"
both_databases = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture
def with_replica() -> Iterator[None]:
    with override_settings(CIVIC311_READ_REPLICAS=[REPLICA]):
        yield


def test_without_replicas_everything_reads_from_the_primary() -> None:
    with reading_from_replica():
        assert read_alias() == "default"


def test_marked_reads_go_to_the_replica_and_the_rest_to_the_primary(with_replica: None) -> None:
    assert read_alias() == "default"
    with reading_from_replica():
        assert read_alias() == REPLICA
        assert ServiceRequest.objects.all().db == REPLICA
    assert ServiceRequest.objects.all().db == "default"


@both_databases
def test_reads_inside_a_transaction_stay_on_the_primary(with_replica: None) -> None:
    with transaction.atomic(), reading_from_replica():
        assert read_alias() == "default"


def _open311_post(client: Client, key: str) -> object:
    return client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "pothole",
            "lat": "43.07",
            "long": "-89.40",
            "description": "Deep pothole by the bus stop",
        },
    )


@both_databases
def test_open311_reads_use_the_replica_except_for_a_client_that_just_wrote(
    with_replica: None, pothole: Service
) -> None:
    key = api_key_issue(name="Riverton app").key
    writer = Client(REMOTE_ADDR="127.0.0.10")
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = _open311_post(writer, key)
    assert response.status_code == 200, response.content  # type: ignore[attr-defined]
    assert len(on_replica) == 0, "writes never touch a replica"
    assert writer.cookies[WROTE_COOKIE].value == "1"
    (answer,) = response.json()  # type: ignore[attr-defined]
    detail = f"/open311/v2/requests/{answer['service_request_id']}.json"

    # The writer, by cookie: the primary.
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert writer.get(detail).status_code == 200
    assert len(on_replica) == 0
    # The same address without the cookie (an app that keeps none): still the primary.
    same_address = Client(REMOTE_ADDR="127.0.0.10")
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert same_address.get(detail).status_code == 200
    assert len(on_replica) == 0
    # Anyone else: the replica.
    reader = Client(REMOTE_ADDR="127.0.0.11")
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        listed = reader.get("/open311/v2/requests.json")
    assert listed.status_code == 200
    assert [r["service_request_id"] for r in listed.json()] == [answer["service_request_id"]]
    assert len(on_replica) > 0


@both_databases
def test_a_failed_write_does_not_pin_the_client_to_the_primary(with_replica: None) -> None:
    client = Client(REMOTE_ADDR="127.0.0.12")
    response = client.post("/open311/v2/requests.json", {"service_code": "pothole"})
    assert response.status_code >= 400
    assert WROTE_COOKIE not in client.cookies
