"""Routing in the backend: the engine decides, transfers never bounce, history teaches it."""

import json
import math
import random
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Area, Department, WorkUnit
from demo.services import demo_city_load
from intake.models import EventKind, Follower, Service, ServiceRequest, Transfer
from intake.services import (
    Requester,
    service_request_change_status,
    service_request_link_duplicate,
)
from intake.statuses import Status
from routing.classifier import ServiceClassifier
from routing.rules import TRANSFER_WEIGHT
from routing_adapter.models import RoutingRule
from routing_adapter.router import current_router
from routing_adapter.services import routing_rules_import
from tests.factories import DepartmentFactory, make_request

pytestmark = pytest.mark.django_db

HIGHWAY = MultiPolygon(
    Polygon.from_bbox((-89.50, 43.069, -89.30, 43.071)), srid=4326
)  # a thin strip through the test location (lat 43.07)


def rules(*rules: dict[str, object], **extra: object) -> dict[str, object]:
    return {"format": "civic311-routing-rules", "version": 1, "rules": list(rules), **extra}


@pytest.fixture
def liaison(db: None) -> Department:
    return DepartmentFactory.create(slug="liaison", name="Intergovernmental Liaison")


@pytest.fixture
def routing_desk(triage: Department) -> WorkUnit:
    return WorkUnit.objects.create(department=triage, slug="routing-desk", name="Routing desk")


@pytest.fixture
def staff(
    make_user: Callable[..., User], client_for: Callable[[User | None], APIClient]
) -> Callable[..., APIClient]:
    def make(role: str, *departments: Department) -> APIClient:
        return client_for(make_user(role, list(departments)))

    return make


def test_intake_stores_the_engines_decision_and_reasons(pothole: Service) -> None:
    created = make_request(pothole)
    assert created.department.slug == "streets"
    assert created.routing_rule == "service-default:pothole"
    routed = created.events.get(kind=EventKind.ROUTED)
    assert routed.data["rule"] == "service-default:pothole"
    assert "service-default:pothole" in routed.data["explanation"]
    # The resident's note is plain words, not rule ids.
    assert "rule" not in routed.note
    assert created.public_id in routed.note


def test_an_outside_agency_overlay_wins_over_the_default_owner(
    pothole: Service, liaison: Department
) -> None:
    Area.objects.create(slug="sh-30", name="SH 30", kind="state-highway", geometry=HIGHWAY)
    unit = WorkUnit.objects.create(department=liaison, slug="state-dot", name="State DOT")
    routing_rules_import(
        data=rules(
            {
                "id": "pothole-on-state-highway",
                "when": {"service": "pothole", "area:state-highway": "SH 30"},
                "department": "liaison",
                "unit": "state-dot",
            }
        )
    )
    on_highway = make_request(pothole)
    assert (on_highway.department, on_highway.unit) == (liaison, unit)
    assert "state-highway:SH 30" in on_highway.events.get(kind=EventKind.ROUTED).data["areas"]
    elsewhere = make_request(pothole, location=Point(-89.40, 43.09, srid=4326))
    assert elsewhere.department.slug == "streets"


def test_unit_rules_pick_the_crew(pothole: Service, streets: Department) -> None:
    yard = WorkUnit.objects.create(department=streets, slug="north-yard", name="North yard")
    routing_rules_import(
        data=rules(
            {
                "id": "streets-north",
                "scope": "unit",
                "when": {"department": "streets", "zip": "53703"},
                "department": "streets",
                "unit": "north-yard",
            }
        )
    )
    assert make_request(pothole, zipcode="53703").unit == yard
    assert make_request(pothole, zipcode="53711").unit is None


def test_a_rule_naming_a_retired_department_falls_back_to_triage(pothole: Service) -> None:
    routing_rules_import(
        data=rules({"id": "gone", "when": {"service": "pothole"}, "department": "abolished"})
    )
    created = make_request(pothole)
    assert created.department.slug == "contact-centre"
    assert created.routing_rule == "fallback:triage"


def test_transfer_reroutes_without_the_decliner_and_tells_the_resident(
    pothole: Service, streets: Department, staff: Callable[..., APIClient]
) -> None:
    created = make_request(pothole)
    response = staff(Role.DEPARTMENT_STAFF, streets).post(
        f"/api/v1/requests/{created.public_id}/transfer/",
        {"reason": "This alley is private property."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    created.refresh_from_db()
    assert created.department.slug == "contact-centre"  # no one else owns potholes: triage
    assert created.public_id == response.json()["id"]
    transfer = Transfer.objects.get(request=created)
    assert transfer.routed_by_rule == "service-default:pothole"
    assert transfer.reason == "This alley is private property."
    event = created.events.get(kind=EventKind.TRANSFERRED)
    assert event.public
    assert "you do not need to call again" in event.note
    assert created.public_id in event.note


def test_transfer_needs_a_reason_and_the_owner(
    pothole: Service,
    streets: Department,
    sanitation: Department,
    staff: Callable[..., APIClient],
) -> None:
    created = make_request(pothole)
    url = f"/api/v1/requests/{created.public_id}/transfer/"
    response = staff(Role.DEPARTMENT_STAFF, streets).post(url, {"reason": "  "}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    response = staff(Role.DEPARTMENT_STAFF, sanitation).post(url, {"reason": "x"}, format="json")
    assert response.status_code == 403
    response = staff(Role.DEPARTMENT_STAFF, streets).post(
        url, {"reason": "x", "suggested_department": "nowhere"}, format="json"
    )
    assert response.status_code == 400
    assert "suggested_department" in response.json()
    assert not Transfer.objects.exists()


def test_no_bouncing_back_and_the_second_transfer_goes_to_the_routing_desk(
    pothole: Service,
    streets: Department,
    sanitation: Department,
    routing_desk: WorkUnit,
    staff: Callable[..., APIClient],
) -> None:
    created = make_request(pothole)
    url = f"/api/v1/requests/{created.public_id}/transfer/"
    first = staff(Role.DEPARTMENT_STAFF, streets).post(
        url, {"reason": "Sanitation owns dumping", "suggested_department": "sanitation"}
    )
    assert first.status_code == 200, first.json()
    created.refresh_from_db()
    assert created.department == sanitation

    sanitation_staff = staff(Role.DEPARTMENT_STAFF, sanitation)
    back = sanitation_staff.post(url, {"reason": "Not ours", "suggested_department": "streets"})
    assert back.status_code == 400
    assert "already declined" in back.json()["suggested_department"][0]

    second = sanitation_staff.post(url, {"reason": "Not ours either"})
    assert second.status_code == 200
    created.refresh_from_db()
    assert (created.department.slug, created.unit) == ("contact-centre", routing_desk)

    # At the desk a supervisor decides, even for a department that declined.
    supervisor = staff(Role.SUPERVISOR, created.department)
    decided = supervisor.post(
        url, {"reason": "Inspected: it is a pothole", "suggested_department": "streets"}
    )
    assert decided.status_code == 200, decided.json()
    created.refresh_from_db()
    assert created.department == streets
    assert Transfer.objects.filter(request=created).count() == 3
    assert Transfer.objects.filter(request=created, override=True).count() == 1


def test_misroutes_by_rule_report(
    pothole: Service, streets: Department, staff: Callable[..., APIClient]
) -> None:
    for _ in range(2):
        created = make_request(pothole)
        answer = staff(Role.DEPARTMENT_STAFF, streets).post(
            f"/api/v1/requests/{created.public_id}/transfer/", {"reason": "Private road"}
        )
        assert answer.status_code == 200, answer.json()
        assert answer.json()["department"] == "contact-centre"
    report = staff(Role.SUPERVISOR).get("/api/v1/routing/misroutes/")
    assert report.status_code == 200
    assert report.json() == [
        {"rule": "service-default:pothole", "department": "streets", "transfers": 2, "requests": 2}
    ]
    assert staff(Role.AGENT).get("/api/v1/routing/misroutes/").status_code == 403


def test_transfers_teach_the_learned_model(
    pothole: Service, streets: Department, sanitation: Department, staff: Callable[..., APIClient]
) -> None:
    routing_rules_import(
        data=rules(
            families=[
                {"name": "service", "scope": "owner", "features": ["service"], "priority": 100}
            ]
        )
    )
    created = make_request(pothole)
    answer = staff(Role.DEPARTMENT_STAFF, streets).post(
        f"/api/v1/requests/{created.public_id}/transfer/",
        {"reason": "Sanitation handles these here", "suggested_department": "sanitation"},
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["department"] == "sanitation"
    learned = RoutingRule.objects.get(source="learned")
    # A transfer is a strong outcome: it weighs more than a request closed without comment.
    assert learned.outcomes == {"sanitation": TRANSFER_WEIGHT}
    assert learned.last_outcome_at is not None
    assert make_request(pothole).department == sanitation


def test_possible_duplicates_nearby_and_open_only(
    pothole: Service, streets: Department, staff: Callable[..., APIClient]
) -> None:
    near = make_request(pothole)
    make_request(pothole, location=Point(-89.40, 43.08, srid=4326))  # ~1.1 km away
    closed = make_request(pothole, location=Point(-89.4001, 43.07, srid=4326))
    closed.status = Status.RESOLVED  # set directly: only the query is under test here
    closed.save()
    query: dict[str, str | float] = {"service": "pothole", "lat": 43.0701, "long": -89.40}
    response = staff(Role.AGENT).get("/api/v1/requests/possible-duplicates/", query)
    assert response.status_code == 200
    found = response.json()
    assert [f["id"] for f in found] == [near.public_id]
    assert 5 < found[0]["distance_m"] < 20


@pytest.mark.parametrize(
    "query",
    [{"service": "pothole", "lat": 95, "long": 0}, {"service": "nope", "lat": 1, "long": 1}, {}],
)
def test_possible_duplicates_bad_query_is_a_400(
    pothole: Service, staff: Callable[..., APIClient], query: dict[str, str | float]
) -> None:
    response = staff(Role.AGENT).get("/api/v1/requests/possible-duplicates/", query)
    assert response.status_code == 400


def test_merged_reporters_follow_the_parent_and_hear_its_outcome(
    pothole: Service, streets: Department, make_user: Callable[..., User]
) -> None:
    parent = make_request(pothole)
    child = make_request(pothole, requester=Requester(email="neighbour@example.org"))
    worker = make_user(Role.DEPARTMENT_STAFF, [streets])
    service_request_link_duplicate(service_request=child, duplicate_of=parent, actor=worker)
    assert Follower.objects.get(request=parent).email == "neighbour@example.org"
    service_request_change_status(
        service_request=parent, to_status=Status.RESOLVED, actor=worker, note="Patched today."
    )
    note = child.events.filter(kind=EventKind.PUBLIC_NOTE).get()
    assert parent.public_id in note.note
    assert "Patched today." in note.note


def test_follow_instead_of_filing_again(pothole: Service, staff: Callable[..., APIClient]) -> None:
    created = make_request(pothole)
    agent = staff(Role.AGENT)
    url = f"/api/v1/requests/{created.public_id}/follow/"
    assert agent.post(url, {"phone": "608-555-0101"}).status_code == 201
    # Stored in E.164, however it was typed.
    assert Follower.objects.filter(request=created, phone="+16085550101").exists()
    response = agent.post(url, {})
    assert response.status_code == 400
    assert "email" in response.json()


def test_suggest_service_uses_the_imported_classifier(
    pothole: Service, missed_trash: Service, staff: Callable[..., APIClient]
) -> None:
    agent = staff(Role.AGENT)
    url = "/api/v1/requests/suggest-service/"
    assert agent.get(url, {"description": "a hole in the road"}).json() == []
    texts = ["hole in the road", "pothole outside", "deep hole street"] * 5
    texts += ["trash not picked up", "garbage was missed", "bins not emptied"] * 5
    labels = ["pothole"] * 15 + ["missed-trash"] * 15
    classifier = ServiceClassifier.train(texts, labels)
    assert classifier is not None
    routing_rules_import(data=rules(classifier=classifier.as_dict()))
    found = agent.get(url, {"description": "my garbage bins were not picked up"}).json()
    assert found[0]["service"] == "missed-trash"
    assert found[0]["name"] == "Missed trash pickup"
    assert agent.get(url).status_code == 400


def test_import_and_export_routing_commands(tmp_path: Path, pothole: Service) -> None:
    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps(rules({"id": "r1", "when": {"service": "pothole"}, "department": "streets"}))
    )
    out = StringIO()
    call_command("import_routing", str(path), stdout=out)
    assert "1 created" in out.getvalue()
    exported = tmp_path / "exported.json"
    call_command("export_routing", "--out", str(exported), stdout=StringIO())
    data = json.loads(exported.read_text())
    assert [r["id"] for r in data["rules"]] == ["r1"]
    path.write_text(json.dumps(rules()))
    call_command("import_routing", str(path), "--replace", stdout=StringIO())
    assert not RoutingRule.objects.filter(is_active=True).exists()


@pytest.mark.parametrize(
    "content", ["not json", "[]", '{"rules": []}', json.dumps(rules({"id": "x"}))]
)
def test_import_routing_refuses_bad_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError):
        call_command("import_routing", str(path), stdout=StringIO())
    assert not RoutingRule.objects.exists()


def test_requests_keep_their_id_through_transfers(
    pothole: Service, streets: Department, staff: Callable[..., APIClient]
) -> None:
    created = make_request(pothole)
    answer = staff(Role.DEPARTMENT_STAFF, streets).post(
        f"/api/v1/requests/{created.public_id}/transfer/", {"reason": "Not a street"}
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["id"] == created.public_id
    assert answer.json()["department"] != "streets"
    assert ServiceRequest.objects.filter(public_id=created.public_id).count() == 1


def test_intake_records_possible_duplicates_on_the_new_request(pothole: Service) -> None:
    first = make_request(pothole)
    second = make_request(pothole, location=Point(-89.4001, 43.0701, srid=4326))
    created = second.events.get(kind=EventKind.CREATED)
    assert created.data["possible_duplicates"] == [first.public_id]


def test_the_engine_and_postgis_agree_on_areas(db: None) -> None:
    """Admin queries (PostGIS) and routing (shapely) must place a point in the same areas."""
    demo_city_load(year=2026)
    areas = current_router().areas
    assert areas is not None
    rng = random.Random(5)
    for _ in range(300):
        lon, lat = rng.uniform(-89.50, -89.30), rng.uniform(43.01, 43.14)
        point = Point(lon, lat, srid=4326)
        in_postgis = set(
            Area.objects.filter(geometry__intersects=point).values_list("kind", "name")
        )
        hits = areas.locate(lon, lat)
        exact = {(h.kind, h.name) for h in hits if h.distance_m == 0}
        assert exact == in_postgis, (lon, lat)


def coastline() -> MultiPolygon:
    """A ragged shore (a thousand jagged vertices), a bay cut into it and two islands off
    it: the shape that made point lookups slow near the water."""
    rng = random.Random(11)
    shore = [
        (-89.45 + 0.1 * n / 1000, 43.08 + 0.004 * math.sin(n / 7) + rng.uniform(-4e-4, 4e-4))
        for n in range(1001)
    ]
    land = Polygon([(-89.45, 43.02), *shore, (-89.35, 43.02), (-89.45, 43.02)])
    bay = Polygon.from_bbox((-89.42, 43.07, -89.41, 43.09))
    islands = [
        Polygon.from_bbox((-89.40, 43.09, -89.398, 43.092)),
        Polygon.from_bbox((-89.39, 43.095, -89.3899, 43.0951)),
    ]
    mainland = land.difference(bay)
    return MultiPolygon(mainland, *islands, srid=4326)


def test_the_engine_and_postgis_agree_along_a_ragged_coastline(db: None) -> None:
    Area.objects.create(slug="shore", name="Shore", kind="shoreline", geometry=coastline())
    areas = current_router().areas
    assert areas is not None
    rng = random.Random(6)
    vertices = [c for polygon in coastline().coords for ring in polygon for c in ring]
    near = 0
    for n in range(300):
        if n % 2:
            lon, lat = rng.uniform(-89.46, -89.34), rng.uniform(43.06, 43.11)
        else:  # within about 50 m of a vertex of the shore, the bay or an island
            x, y = rng.choice(vertices)
            lon, lat = x + rng.uniform(-6e-4, 6e-4), y + rng.uniform(-4.5e-4, 4.5e-4)
        point = Point(lon, lat, srid=4326)
        in_postgis = set(
            Area.objects.filter(geometry__intersects=point).values_list("kind", "name")
        )
        hits = areas.locate(lon, lat)
        assert {(h.kind, h.name) for h in hits if h.distance_m == 0} == in_postgis, (lon, lat)
        for hit in hits:
            if hit.distance_m:
                near += 1
                # Metres on the ground (PostGIS geography) within the engine's 30 m, as it
                # measures them: degrees scaled by the cosine of the latitude, which reads
                # north-south distances short by that cosine.
                metres = (
                    Area.objects.filter(slug="shore").annotate(d=Distance("geometry", point))[0].d.m
                )
                assert metres <= 30 / math.cos(math.radians(lat)) + 0.5, (lon, lat, metres)
    assert near > 0  # the sample did reach points in the water next to the shore


def test_learn_routing_relearns_from_resolved_requests(
    pothole: Service, streets: Department, sanitation: Department, make_user: Callable[..., User]
) -> None:
    worker = make_user(Role.ADMIN)
    for _ in range(3):
        created = make_request(pothole, description="deep hole in the road surface")
        service_request_change_status(
            service_request=created, to_status=Status.RESOLVED, actor=worker, note="Filled."
        )
    routing_rules_import(
        data=rules({"id": "kept", "when": {"service": "graffiti"}, "department": "sanitation"})
    )
    out = StringIO()
    call_command("learn_routing", stdout=out)
    assert "from 3 requests" in out.getvalue()
    learned = RoutingRule.objects.filter(source="learned")
    assert learned.filter(family="service", conditions={"service": "pothole"}).exists()
    assert RoutingRule.objects.filter(rule_id="kept", source="manual").exists()
