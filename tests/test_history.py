"""A request's history is append-only, in the ORM and in the database itself."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from intake.models import AppendOnlyError, RequestEvent, Service
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def test_orm_refuses_to_change_or_delete_events(pothole: Service) -> None:
    event = make_request(pothole).events.first()
    assert event is not None
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE intake_requestevent SET note = 'rewritten'",
        "DELETE FROM intake_requestevent",
    ],
)
def test_database_refuses_to_change_or_delete_events(pothole: Service, statement: str) -> None:
    make_request(pothole)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert RequestEvent.objects.exclude(note="rewritten").count() == 2


def test_queryset_update_is_refused_by_the_database(pothole: Service) -> None:
    make_request(pothole)
    with pytest.raises(DatabaseError), transaction.atomic():
        RequestEvent.objects.update(note="rewritten")
