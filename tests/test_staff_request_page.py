"""The staff request page's cost (issue 15: p95 <= 100 ms with a million requests): the
department membership is read once per page, and the rarer actions' forms are rendered only
when opened, with htmx in place or, without scripts, as the page with that form open."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from core.models import Department
from intake.models import Service
from tests.factories import DepartmentFactory, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def parks(db: None) -> Department:
    return DepartmentFactory.create(slug="parks", name="Parks")


def browser_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_reads_the_departments_once_and_renders_the_rare_forms_on_demand(
    pothole: Service, parks: Department, streets_staff: User
) -> None:
    request = make_request(pothole)
    client = browser_for(streets_staff)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/staff/requests/{request.public_id}/")
    assert page.status_code == 200
    memberships = [q for q in queries.captured_queries if "accounts_user_departments" in q["sql"]]
    # One read for every policy and the menu; the other is the assign form's colleagues.
    assert len([q for q in memberships if "core_department" in q["sql"]]) == 1
    html = page.content.decode()
    assert 'id="id_note"' in html
    assert 'id="id_text"' in html
    assert 'id="id_assignee"' in html
    for action in ("transfer", "promise", "duplicate"):
        assert f'href="/staff/requests/{request.public_id}/forms/{action}/"' in html
    assert 'id="id_reason"' not in html
    assert 'id="id_duplicate_of"' not in html
    assert "Parks" not in html  # the transfer form's departments are not read


def test_a_rare_form_opens_in_place_or_as_the_page_without_scripts(
    pothole: Service, parks: Department, streets_staff: User
) -> None:
    request = make_request(pothole)
    client = browser_for(streets_staff)
    url = f"/staff/requests/{request.public_id}/forms/transfer/"
    part = client.get(url, HTTP_HX_REQUEST="true")
    assert part.status_code == 200
    html = part.content.decode()
    assert html.lstrip().startswith('<section aria-labelledby="transfer-h" id="transfer-part">')
    assert "Parks" in html
    assert 'id="id_reason"' in html
    assert f'action="/staff/requests/{request.public_id}/transfer/"' in html
    assert "autofocus" in html  # the keyboard goes on in the form just opened
    page = client.get(url).content.decode()
    assert "<html" in page
    assert 'id="id_reason"' in page
    assert 'id="id_text"' in page
    assert 'id="id_duplicate_of"' not in page  # only the form asked for


def test_a_rare_form_keeps_the_policy_and_refuses_unknown_actions(
    pothole: Service, parks: Department, streets_staff: User, make_user: Callable[..., User]
) -> None:
    request = make_request(pothole)
    forms = f"/staff/requests/{request.public_id}/forms/"
    agent = browser_for(make_user(Role.AGENT))
    assert agent.get(f"/staff/requests/{request.public_id}/").status_code == 200
    assert agent.get(forms + "transfer/").status_code == 403  # may read, may not work it
    assert (
        browser_for(make_user(Role.DEPARTMENT_STAFF, [parks])).get(forms + "promise/").status_code
        == 403
    )
    assert browser_for(streets_staff).get(forms + "status-quo/").status_code == 404


def test_a_rare_form_posted_with_errors_comes_back_open_with_them(
    pothole: Service, streets_staff: User
) -> None:
    request = make_request(pothole)
    client = browser_for(streets_staff)
    answer = client.post(
        f"/staff/requests/{request.public_id}/duplicate/", {"duplicate_of": "26-000000"}
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert 'id="id_duplicate_of"' in html
    assert "No request with this reference." in html
    assert f'href="/staff/requests/{request.public_id}/forms/transfer/"' in html


def test_the_timeline_refreshing_itself_reads_only_what_it_shows(
    pothole: Service, streets_staff: User
) -> None:
    request = make_request(pothole)
    client = browser_for(streets_staff)
    client.get(f"/staff/requests/{request.public_id}/")  # the page (its session touched)
    with CaptureQueriesContext(connection) as queries:
        poll = client.get(f"/staff/requests/{request.public_id}/", HTTP_HX_REQUEST="true")
    assert poll.status_code == 200
    html = poll.content.decode()
    assert '<ol class="usa-process-list timeline"' in html
    assert "Routed" in html
    assert "<form" not in html
    # The session, its user, the request, its events, the membership (may they see it) and
    # the messages sent: nothing for the forms.
    assert len(queries.captured_queries) <= 6, "\n".join(
        q["sql"][:150] for q in queries.captured_queries
    )


def test_a_flagged_public_note_is_refused_with_the_flags_never_a_500(
    pothole: Service, streets_staff: User
) -> None:
    """The screener's details travel with the refusal (numbers, not messages): the page shows
    the flags on the note and asks for a rewording or a reason, as 422."""
    request = make_request(pothole)
    client = browser_for(streets_staff)
    curt = "Calm down, that's not my department."
    for action, fields in (
        ("status", {"status": "acknowledged", "note": curt}),
        ("notes", {"text": curt, "public": "true"}),
    ):
        answer = client.post(f"/staff/requests/{request.public_id}/{action}/", fields)
        assert answer.status_code == 422, action
        html = answer.content.decode()
        assert "Calm down" in html
        assert "give a reason to send it as is" in html
    request.refresh_from_db()
    assert request.status == "new"


def test_the_timeline_reads_in_words_not_codes(
    pothole: Service, parks: Department, streets_staff: User
) -> None:
    request = make_request(pothole)
    client = browser_for(streets_staff)
    client.post(f"/staff/requests/{request.public_id}/status/", {"status": "acknowledged"})
    client.post(
        f"/staff/requests/{request.public_id}/assign/", {"assignee": streets_staff.get_username()}
    )
    client.post(
        f"/staff/requests/{request.public_id}/promise/",
        {"promised_at": "2031-03-04T15:30", "reason": "The crew is booked until then."},
    )
    html = client.get(f"/staff/requests/{request.public_id}/").content.decode()
    assert "New → Acknowledged" in html
    assert "new → acknowledged" not in html
    assert "4 Mar 2031 15:30" in html  # the city's time, as it was typed, as the console writes
    assert "T15:30" not in html
    assert "+00:00" not in html
    assert f"To {streets_staff.get_username()}" in html


def test_a_merged_request_links_to_its_original_and_transfer_offers_other_departments(
    pothole: Service, parks: Department, streets_staff: User
) -> None:
    original = make_request(pothole)
    duplicate = make_request(pothole)
    client = browser_for(streets_staff)
    client.post(
        f"/staff/requests/{duplicate.public_id}/duplicate/", {"duplicate_of": original.public_id}
    )
    html = client.get(f"/staff/requests/{duplicate.public_id}/").content.decode()
    assert f'href="/staff/requests/{original.public_id}/"' in html
    form = client.get(f"/staff/requests/{original.public_id}/forms/transfer/").content.decode()
    options = form.split('id="id_department"', 1)[1].split("</select>", 1)[0]
    assert "Parks" in options
    assert "Streets and Roads" not in options  # not to itself
