""" "Why it is here" on the staff request page reads in plain words (which kind of rule sent
the request there), not the routing engine's rule text; supervisors may open the engine's
detail."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.test import Client

from accounts.models import Role, User
from core.models import Area, Department
from frontend.staff.routing_words import routing_reason
from intake.models import Service
from intake.transfer_rules import ROUTING_DESK_AFTER_TRANSFERS, ROUTING_DESK_ALL_DECLINED
from routing_adapter.services import routing_rules_import
from tests.factories import DepartmentFactory, UserFactory, make_request

pytestmark = pytest.mark.django_db

HIGHWAY = MultiPolygon(Polygon.from_bbox((-89.50, 43.069, -89.30, 43.071)), srid=4326)


def why_it_is_here(user: User, public_id: str) -> str:
    client = Client()
    client.force_login(user)
    html = client.get(f"/staff/requests/{public_id}/").content.decode()
    start = html.index("Why it is here")
    return html[start : html.index('id="timeline-h"', start)]


def test_a_service_default_says_the_department_looks_after_every_such_request(
    pothole: Service, streets_staff: User
) -> None:
    words = why_it_is_here(streets_staff, make_request(pothole).public_id)
    assert "looks after every Pothole request" in words
    assert "service-default:pothole" not in words  # the engine's id is not shown to them
    assert "past requests" not in words


def test_a_city_rule_on_a_polygon_names_the_place_and_the_citys_note(
    pothole: Service, streets: Department
) -> None:
    liaison = DepartmentFactory.create(slug="liaison", name="Intergovernmental Liaison")
    Area.objects.create(slug="sh-30", name="SH 30", kind="state-highway", geometry=HIGHWAY)
    routing_rules_import(
        data={
            "format": "civic311-routing-rules",
            "version": 1,
            "rules": [
                {
                    "id": "pothole-on-state-highway",
                    "when": {"service": "pothole", "area:state-highway": "SH 30"},
                    "department": "liaison",
                    "note": "The state owns this road.",
                }
            ],
        }
    )
    request = make_request(pothole)
    worker = UserFactory.create(role=Role.DEPARTMENT_STAFF, departments=[liaison])
    words = why_it_is_here(worker, request.public_id)
    assert "A rule written by the city" in words
    assert "the place is in SH 30" in words
    assert "the service is Pothole" in words
    assert "The state owns this road." in words
    assert "routing-engine" not in words
    supervisor = UserFactory.create(role=Role.SUPERVISOR, departments=[liaison])
    detail = why_it_is_here(supervisor, request.public_id)
    assert 'class="routing-engine"' in detail
    assert "pothole-on-state-highway" in detail


def test_a_request_no_rule_covers_says_the_triage_desk_finds_its_owner(
    triage: Department,
) -> None:
    orphan = Service.objects.create(code="odd", name="Odd thing", default_department=None)
    request = make_request(orphan)
    worker = UserFactory.create(role=Role.DEPARTMENT_STAFF, departments=[triage])
    assert "the triage desk, which finds its owner" in why_it_is_here(worker, request.public_id)


def test_a_transfer_to_a_named_department_says_so_with_its_reason(
    pothole: Service, streets_staff: User
) -> None:
    parks = DepartmentFactory.create(slug="parks", name="Parks")
    request = make_request(pothole)
    client = Client()
    client.force_login(streets_staff)
    client.post(
        f"/staff/requests/{request.public_id}/transfer/",
        {"department": parks.slug, "reason": "It is in the park, by the pond."},
    )
    worker = UserFactory.create(role=Role.DEPARTMENT_STAFF, departments=[parks])
    words = why_it_is_here(worker, request.public_id)
    assert "Transferred here. The person who transferred it named this department." in words
    assert "It is in the park, by the pond." in words


def test_the_routing_desk_says_why_it_has_the_request(pothole: Service) -> None:
    """Two reasons send a request to the desk; the page said "transferred more than once"
    for both, also when every likely owner had declined it."""
    request = make_request(pothole)
    declined = routing_reason(request, {"rule": ROUTING_DESK_ALL_DECLINED})
    assert declined is not None
    assert "has declined it" in declined.headline
    too_often = routing_reason(request, {"rule": ROUTING_DESK_AFTER_TRANSFERS})
    assert too_often is not None
    assert "transferred more than once" in too_often.headline
