from collections.abc import Callable

import pytest
from django.test import Client

from intake.models import Service, ServiceAttribute
from open311.services import api_key_issue


@pytest.fixture
def api_key(db: None) -> str:
    return api_key_issue(name="Riverton app").key


@pytest.fixture
def catalogue(pothole: Service, missed_trash: Service) -> dict[str, Service]:
    ServiceAttribute.objects.create(
        service=pothole,
        code="size",
        description="How big is it?",
        datatype="singlevaluelist",
        required=True,
        order=1,
        values=[{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}],
    )
    ServiceAttribute.objects.create(
        service=missed_trash,
        code="carts",
        description="Which carts were missed?",
        datatype="multivaluelist",
        required=False,
        order=1,
        values=[{"key": "trash", "name": "Trash"}, {"key": "recycling", "name": "Recycling"}],
    )
    return {"pothole": pothole, "missed-trash": missed_trash}


@pytest.fixture
def post(client: Client, api_key: str) -> Callable[..., object]:
    def send(fmt: str = "json", **fields: object) -> object:
        data = {
            "api_key": api_key,
            "service_code": "pothole",
            "lat": "43.07",
            "long": "-89.40",
            "attribute[size]": "large",
            "description": "Deep pothole by the bus stop",
            **fields,
        }
        data = {k: v for k, v in data.items() if v is not None}
        return client.post(f"/open311/v2/requests.{fmt}", data)

    return send
