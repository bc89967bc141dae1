"""The routing engine and its directory are rebuilt when anything they are built from changes,
including a field no one remembered to list: the change check reads every column."""

from datetime import time, timedelta

import pytest
from django.db.models import Model

from core.models import Department
from intake.models import Service
from routing_adapter.router import _UNWATCHED, _WATCHED, _fingerprint, current_directory

pytestmark = pytest.mark.django_db


def test_renaming_a_department_for_the_public_reaches_the_directory(streets: Department) -> None:
    assert current_directory().departments["streets"].public_name == streets.public_name
    Department.objects.filter(pk=streets.pk).update(public_name="Roads Crew")
    # public_name was not in the old hand-written check: the old name stayed in memory.
    assert current_directory().departments["streets"].public_name == "Roads Crew"


def test_a_change_to_a_department_calendar_or_limit_rebuilds(streets: Department) -> None:
    before = current_directory().departments["streets"]
    Department.objects.filter(pk=streets.pk).update(
        acknowledge_within=before.acknowledge_within + timedelta(hours=1),
        day_starts_at=time(6, 30),
    )
    after = current_directory().departments["streets"]
    assert after.acknowledge_within == before.acknowledge_within + timedelta(hours=1)
    assert after.day_starts_at == time(6, 30)


def test_a_change_to_a_service_rebuilds(pothole: Service) -> None:
    Service.objects.filter(pk=pothole.pk).update(still_on_it_days=pothole.still_on_it_days + 3)
    assert current_directory().services["pothole"].still_on_it_days == pothole.still_on_it_days + 3


@pytest.mark.parametrize("model", [Department, Service])
def test_every_column_is_watched_so_a_new_field_is_too(
    model: type[Model], pothole: Service
) -> None:
    """Any field, including one added after this test was written, is in the check."""
    watched = {f.name for f in model._meta.concrete_fields} - _UNWATCHED
    assert model in _WATCHED
    row = model._default_manager.order_by("pk").first()
    assert row is not None
    for field in model._meta.concrete_fields:
        if field.name not in watched or field.primary_key or field.is_relation:
            continue
        before = _fingerprint()
        value = field.value_from_object(row)
        changed = _another_value(value)
        if changed is None:
            continue
        model._default_manager.filter(pk=row.pk).update(**{field.attname: changed})
        assert _fingerprint() != before, f"{model.__name__}.{field.name} is not watched"
        model._default_manager.filter(pk=row.pk).update(**{field.attname: value})


def _another_value(value: object) -> object | None:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x" if len(value) < 20 else value[:-1]
    if isinstance(value, timedelta):
        return value + timedelta(minutes=1)
    if isinstance(value, time):
        return time((value.hour + 1) % 24, value.minute)
    if isinstance(value, list):
        return [*value, value[0]] if value else None
    return None
