"""Schemathesis against the staff API on a live server: every operation in the OpenAPI schema,
with generated valid and invalid input, as an administrator (write access) on the test
database, which is emptied afterwards. No answer may be a 5xx, and every answer must match
the schema: its status code, content type and body. One test per operation, so a failure
names it. Examples are bounded (FUZZ_EXAMPLES per operation) to keep the module short.
"""

import json
import os
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from pytest_django.live_server_helper import LiveServer
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User

FUZZ_EXAMPLES = int(os.environ.get("CIVIC311_FUZZ_EXAMPLES", "4"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzz_target(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[str, str]]:
    """A live server with the demo city in the test database, committed; emptied afterwards."""
    with django_db_blocker.unblock():
        call_command("load_demo_city", "--requests", "20", stdout=StringIO(), verbosity=0)
        token, _ = Token.objects.get_or_create(user=User.objects.get(username="admin"))
        server = LiveServer("127.0.0.1:0")
        try:
            yield server.url, token.key
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


def _staff_api_schema() -> dict[str, Any]:
    """The schema /api/schema/ serves, generated here so each operation is its own test."""
    generated = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return dict(json.loads(json.dumps(generated, cls=DjangoJSONEncoder)))


schema = schemathesis.openapi.from_dict(_staff_api_schema())


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_staff_api_operation(case: Any, fuzz_target: tuple[str, str]) -> None:
    url, token = fuzz_target
    case.call_and_validate(
        base_url=url, headers={"Authorization": f"Token {token}"}, checks=CHECKS, timeout=30
    )
