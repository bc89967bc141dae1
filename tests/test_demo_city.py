"""The demo city loads idempotently, and area imports accept real GeoJSON files."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from accounts.models import Role, User
from core.models import Area, Department
from intake.models import EventKind, RequestEvent, Service, ServiceRequest

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "departments": Department.objects.count(),
        "services": Service.objects.count(),
        "areas": Area.objects.count(),
        "users": User.objects.count(),
    }


def test_demo_city_is_believable_and_idempotent() -> None:
    out = StringIO()
    call_command("load_demo_city", stdout=out)
    first = _counts()
    call_command("load_demo_city", stdout=StringIO())
    assert _counts() == first
    assert first["departments"] >= 10
    assert first["services"] >= 25
    kinds = set(Area.objects.values_list("kind", flat=True))
    assert {"city-limits", "council-district"} <= kinds
    assert Area.objects.exclude(agency="").count() >= 2  # state highway and county park
    assert {u.role for u in User.objects.all()} == set(Role.values)
    assert "riverton-demo" in out.getvalue()
    for code in ("pothole", "streetlight-out", "missed-trash", "graffiti", "business-licence"):
        assert Service.objects.filter(code=code).exists(), code


def test_generate_requests_creates_routed_requests_with_history() -> None:
    call_command("load_demo_city", stdout=StringIO())
    call_command("generate_requests", 25, "--seed", "7", stdout=StringIO(), verbosity=0)
    assert ServiceRequest.objects.count() == 25
    assert not ServiceRequest.objects.filter(department__isnull=True).exists()
    created = RequestEvent.objects.filter(kind=EventKind.CREATED).count()
    assert created == 25


def test_generate_requests_refuses_nonsense() -> None:
    with pytest.raises(CommandError):
        call_command("generate_requests", -1, stdout=StringIO())


def test_demo_city_refuses_to_load_in_production(settings: Settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="not in production"):
        call_command("load_demo_city", stdout=StringIO())


def _feature(name: str, ring: list[list[float]] | None) -> dict[str, object]:
    geometry = {"type": "Polygon", "coordinates": [ring]} if ring else None
    return {"type": "Feature", "properties": {"NAME": name}, "geometry": geometry}


SQUARE = [[-89.5, 43.0], [-89.4, 43.0], [-89.4, 43.1], [-89.5, 43.1], [-89.5, 43.0]]


def test_import_areas_creates_then_updates(tmp_path: Path) -> None:
    path = tmp_path / "neighbourhoods.geojson"
    collection = {
        "type": "FeatureCollection",
        "features": [_feature("Eastside", SQUARE), _feature("Broken", None)],
    }
    path.write_text(json.dumps(collection))
    out, err = StringIO(), StringIO()
    call_command(
        "import_areas",
        str(path),
        "--kind",
        "neighbourhood",
        "--name-property",
        "NAME",
        stdout=out,
        stderr=err,
        verbosity=0,
    )
    assert "1 created, 0 updated, 1 skipped" in out.getvalue()
    assert "Broken" in err.getvalue()
    area = Area.objects.get(kind="neighbourhood")
    assert area.name == "Eastside"
    assert area.geometry.geom_type == "MultiPolygon"

    out = StringIO()
    call_command(
        "import_areas",
        str(path),
        "--kind",
        "neighbourhood",
        "--name-property",
        "NAME",
        stdout=out,
        stderr=StringIO(),
        verbosity=0,
    )
    assert "0 created, 1 updated" in out.getvalue()
    assert Area.objects.filter(kind="neighbourhood").count() == 1


@pytest.mark.parametrize("content", ["not json", '{"type": "Feature"}', "[]"])
def test_import_areas_rejects_files_that_are_not_collections(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    with pytest.raises(CommandError):
        call_command("import_areas", str(path), "--kind", "x", stdout=StringIO())
