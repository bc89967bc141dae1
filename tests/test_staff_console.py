"""The staff console's pages through Django's test client (the browser tests drive the same
pages in Chromium): policies, bad input as 4xx, the second factor, courtesy hints."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import totp

from accounts.models import Role, RoleSecondFactor, User
from accounts.services import second_factor_confirm, second_factor_enrol
from core.models import Department
from intake.commands import Requester
from intake.models import Service, ServiceAttribute, ServiceRequest
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def browser_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_another_departments_request_is_403_and_its_queue_too(
    pothole: Service, sanitation: Department, make_user: Callable[..., User]
) -> None:
    request = make_request(pothole)
    client = browser_for(make_user(Role.DEPARTMENT_STAFF, [sanitation]))
    answer = client.get(f"/staff/requests/{request.public_id}/")
    assert answer.status_code == 403
    assert "403" in answer.content.decode() or "not" in answer.content.decode().lower()
    assert client.get("/staff/queues/streets/").status_code == 403
    assert client.get("/staff/requests/26-999999/").status_code == 404
    assert client.get("/staff/supervise/").status_code == 403


def test_queue_filters_refuse_bad_values_with_400(
    pothole: Service, streets: Department, make_user: Callable[..., User]
) -> None:
    make_request(pothole)
    client = browser_for(make_user(Role.DEPARTMENT_STAFF, [streets]))
    assert client.get("/staff/queues/streets/").status_code == 200
    assert client.get("/staff/queues/streets/?due=overdue&sort=newest").status_code == 200
    assert client.get("/staff/queues/streets/?due=someday").status_code == 400
    assert client.get("/staff/queues/streets/?page=abc").status_code == 200


def test_courtesy_hints_show_the_rewording(make_user: Callable[..., User]) -> None:
    client = browser_for(make_user(Role.DEPARTMENT_STAFF))
    answer = client.post(
        "/staff/courtesy-hints/",
        {"field": "text", "text": "Calm down. We will fix it.", "target": "id_text"},
    )
    html = answer.content.decode()
    assert "C4" in html
    assert 'data-reword-target="id_text"' in html
    quiet = client.post("/staff/courtesy-hints/", {"field": "text", "text": "We will fix it."})
    assert "No courtesy hints" in quiet.content.decode()


def test_courtesy_hints_say_when_a_note_reads_as_curt_and_what_a_call_note_needs(
    make_user: Callable[..., User],
) -> None:
    client = browser_for(make_user(Role.AGENT))
    curt = client.post("/staff/courtesy-hints/", {"field": "text", "text": "Done."})
    assert "This reads as curt" in curt.content.decode()  # the screener's hint, shown
    assert "No courtesy hints" not in curt.content.decode()
    recap = client.post(
        "/staff/courtesy-hints/",
        {"field": "recap", "recap": "Thank you for calling.", "kind": "call_notes"},
    ).content.decode()
    assert "C11" in recap
    assert "“”" not in recap  # a missing recap quotes nothing
    # Call notes are never held back: no reason to give, and no "reads as curt" advice.
    assert "give a reason" not in recap
    assert "QA sees these hints" in recap


def test_an_incomplete_callback_lists_every_missing_field(make_user: Callable[..., User]) -> None:
    client = browser_for(make_user(Role.AGENT))
    started = client.post("/staff/calls/start/", {"greeting": "Riverton 3-1-1, Sam speaking"})
    call_url = started["Location"]
    client.post(
        call_url + "caller/", {"caller_name": "", "caller_phone": "608 555 0100", "language": "en"}
    )
    answer = client.post(call_url + "message/", {"message-kind": "callback"})
    assert answer.status_code == 422
    html = answer.content.decode()
    for label in [
        "Caller&#x27;s name",
        "Spelling of the name",
        "Callback number",
        "Message:",
        "When to call back",
        "For a person",
        "Callback promised by",
    ]:
        assert label in html, label


def test_caller_lookup_page_finds_a_differently_written_number(
    pothole: Service, make_user: Callable[..., User]
) -> None:
    request = make_request(pothole, requester=Requester(last_name="Okafor", phone="+16085550199"))
    client = browser_for(make_user(Role.AGENT))
    answer = client.get("/staff/calls/", {"q": "608.555.0199"}, HTTP_HX_REQUEST="true")
    assert request.public_id in answer.content.decode()
    assert client.get("/staff/calls/", {"q": "x" * 500}).status_code == 200  # refused, shown


def test_a_role_that_requires_a_second_factor_is_asked_for_a_code(
    streets: Department, make_user: Callable[..., User]
) -> None:
    RoleSecondFactor.objects.create(role=Role.SUPERVISOR)
    supervisor = make_user(Role.SUPERVISOR, [streets])
    client = browser_for(supervisor)
    answer = client.get("/staff/supervise/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/staff/second-factor/")
    assert client.get("/staff/second-factor/")["Location"] == "/staff/second-factor/set-up/"
    device = second_factor_enrol(user=supervisor)
    code = f"{totp(bytes.fromhex(device.key)):06d}"  # type: ignore[no-untyped-call]
    second_factor_confirm(user=supervisor, token=code)
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    assert client.post("/staff/second-factor/", {"token": "000001"}).status_code == 400
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    verified = client.post("/staff/second-factor/", {"token": code, "next": "/staff/supervise/"})
    assert verified["Location"] == "/staff/supervise/"
    assert client.get("/staff/supervise/").status_code == 200


def test_supervisor_report_csv_and_bad_dates(
    pothole: Service, streets: Department, make_user: Callable[..., User]
) -> None:
    make_request(pothole)
    client = browser_for(make_user(Role.SUPERVISOR, [streets]))
    until = (timezone.now() + timedelta(days=1)).date().isoformat()
    csv = client.get("/staff/supervise/performance.csv", {"until": until})
    assert csv.status_code == 200
    assert csv.content.decode().startswith("department,volume")
    assert client.get("/staff/supervise/performance/", {"since": "soon"}).status_code == 400
    assert client.get("/staff/supervise/performance.csv", {"group_by": "x"}).status_code == 400


def call_at_the_request_step(client: Client, *, language: str) -> str:
    """A call greeted, with its caller (Ana) and a confirmed problem: the request step next."""
    started = client.post("/staff/calls/start/", {"greeting": "Riverton 3-1-1, Sam"})
    call_url: str = started["Location"]
    caller = {"caller_name": "Ana", "caller_phone": "", "language": language}
    client.post(call_url + "caller/", caller)
    client.post(
        call_url + "problem/",
        {"caller_words": "A hole", "paraphrase": "A pothole?", "paraphrase_confirmed": "on"},
    )
    return call_url


def test_the_call_screen_asks_the_services_questions_and_opens_the_request(
    pothole: Service, make_user: Callable[..., User]
) -> None:
    ServiceAttribute.objects.create(
        service=pothole,
        code="size",
        description="How big is it?",
        datatype="singlevaluelist",
        required=True,
        values=[{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}],
    )
    client = browser_for(make_user(Role.AGENT))
    call_url = call_at_the_request_step(client, language="es")
    where = {"service": "pothole", "lat": "43.07", "long": "-89.40", "address": "5 Main St"}
    checked = client.post(call_url + "duplicates/", where).content.decode()
    assert 'name="attribute-size"' in checked
    missing = client.post(call_url + "request/", where)
    assert missing.status_code == 422
    refused = missing.content.decode()
    # Asked again, named by the question the agent reads, the refusal under it.
    assert 'name="attribute-size"' in refused
    assert "How big is it?: This attribute is required." in refused
    assert 'id="q-size-error"' in refused
    assert "No open request of this kind nearby." not in refused  # no check ran on this post
    opened = client.post(call_url + "request/", where | {"attribute-size": "large"})
    assert opened.status_code == 200
    created = ServiceRequest.objects.get(address="5 Main St")
    assert created.attributes == {"size": "large"}
    assert created.requester_language == "es"


def test_the_queue_filter_form_is_rendered_once_per_queue_and_filters(
    pothole: Service, streets: Department, make_user: Callable[..., User]
) -> None:
    """The filter form (a widget per choice: services, people, districts) is kept a minute
    per queue, language and filters; the rows are not, nor the form for other filters."""
    client = browser_for(make_user(Role.DEPARTMENT_STAFF, [streets]))
    first = client.get("/staff/queues/streets/", {"sort": "newest"})
    make_request(pothole)
    with CaptureQueriesContext(connection) as again:
        second = client.get("/staff/queues/streets/", {"sort": "newest", "page": "1"})
    assert 'name="service"' in second.content.decode()
    assert first.content.decode().count("<option") == second.content.decode().count("<option")
    assert not [q for q in again.captured_queries if 'FROM "intake_service"' in q["sql"]]
    assert len(second.context["rows"]) == 1  # the new request is listed at once
    with CaptureQueriesContext(connection) as other:
        client.get("/staff/queues/streets/", {"sort": "oldest"})
    assert [q for q in other.captured_queries if 'FROM "intake_service"' in q["sql"]]


def test_second_factor_set_up_shows_a_qr_code_beside_the_secret(
    make_user: Callable[..., User],
) -> None:
    RoleSecondFactor.objects.create(role=Role.SUPERVISOR)
    client = browser_for(make_user(Role.SUPERVISOR))
    html = client.get("/staff/second-factor/set-up/").content.decode()
    assert 'src="data:image/svg+xml' in html  # an image: nothing inline for the CSP to refuse
    assert 'class="otp-secret"' in html
    assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]


def test_the_call_links_its_request_recaps_the_date_in_words_and_ends_with_the_next_call(
    pothole: Service, make_user: Callable[..., User]
) -> None:
    client = browser_for(make_user(Role.AGENT))
    call_url = call_at_the_request_step(client, language="en")
    where = {"service": "pothole", "lat": "43.07", "long": "-89.40", "address": "5 Main St"}
    html = client.post(call_url + "request/", where).content.decode()
    created = ServiceRequest.objects.get(address="5 Main St")
    assert created.promised_at is not None
    link = f'href="/staff/requests/{created.public_id}/"'
    assert link in html
    spoken = timezone.localtime(created.promised_at).strftime("%A %-d %B")
    assert f"we expect it done by {spoken}." in html  # read out as a day, not 2026-12-09
    assert '<option value="request_created" selected>' in html
    ended = client.post(
        call_url + "end/",
        {"outcome": "request_created", "recap": f"Your reference is {created.public_id}."},
    ).content.decode()
    assert link in ended
    assert 'href="/staff/calls/"' in ended


def test_a_lookup_that_finds_no_one_says_what_to_try(make_user: Callable[..., User]) -> None:
    html = browser_for(make_user(Role.AGENT)).get("/staff/calls/", {"q": "Zzyzx"}).content.decode()
    assert "No caller or request matches “Zzyzx”" in html


def test_the_queue_marks_overdue_rows_and_filters_by_its_own_services_only(
    pothole: Service,
    missed_trash: Service,
    streets: Department,
    make_user: Callable[..., User],
) -> None:
    late = make_request(pothole)
    ServiceRequest.objects.filter(pk=late.pk).update(promised_at=timezone.now() - timedelta(days=2))
    on_time = make_request(pothole, address="7 Oak Ave")
    client = browser_for(make_user(Role.DEPARTMENT_STAFF, [streets]))
    html = client.get("/staff/queues/streets/").content.decode()
    rows = html.split("<tbody>", 1)[1]
    late_row = rows.split(late.public_id, 1)[0].rsplit("<tr", 1)[1]
    assert 'class="is-overdue"' in late_row
    on_time_row = rows.split(on_time.public_id, 1)[0].rsplit("<tr", 1)[1]
    assert "is-overdue" not in on_time_row
    assert ">overdue</span>" in rows
    filters = html.split('class="usa-form queue-filter-form"', 1)[1].split("</form>", 1)[0]
    assert 'value="pothole"' in filters
    assert 'value="missed-trash"' not in filters  # Sanitation's service, not this queue's
    assert 'class="usa-select' in filters  # styled as the console's other forms
    assert 'type="checkbox" name="unassigned"' in filters
    # Ticked: the unassigned only; unticked: no filter (no "Unknown" choice to make).
    assert client.get("/staff/queues/streets/", {"unassigned": "true"}).status_code == 200
    assert len(client.get("/staff/queues/streets/", {"sort": "due"}).context["rows"]) == 2


def test_staff_pages_answer_403_and_404_inside_the_console(
    pothole: Service, sanitation: Department, make_user: Callable[..., User]
) -> None:
    request = make_request(pothole)
    client = browser_for(make_user(Role.DEPARTMENT_STAFF, [sanitation]))
    for url, status in (
        (f"/staff/requests/{request.public_id}/", 403),
        ("/qa/workload/", 403),
        ("/staff/requests/26-999999/", 404),
        ("/qa/evaluations/999999/", 404),
    ):
        answer = client.get(url)
        assert answer.status_code == status, url
        html = answer.content.decode()
        assert 'action="/staff/logout/"' in html  # still signed in, with the staff menu
        assert 'href="/staff/"' in html
        assert "the message we sent you" not in html  # the residents' advice


def test_the_performance_report_names_departments_and_services_as_staff_know_them(
    pothole: Service, streets: Department, make_user: Callable[..., User]
) -> None:
    make_request(pothole)
    client = browser_for(make_user(Role.SUPERVISOR, [streets]))
    until = (timezone.now() + timedelta(days=1)).date().isoformat()
    by_department = client.get("/staff/supervise/performance/", {"until": until})
    table = by_department.content.decode().split("<tbody>", 1)[1]
    assert '<th scope="row" data-value="Streets and Roads">Streets and Roads</th>' in table
    by_service = client.get(
        "/staff/supervise/performance/", {"until": until, "group_by": "service"}
    ).content.decode()
    assert '<th scope="row" data-value="Pothole">Pothole</th>' in by_service
    # Counts, rates and the 1-10 score each get a chart of their own.
    for chart in ("broken", "rates", "satisfaction"):
        assert f'data-chart="{chart}"' in by_service


def test_signing_out_says_so_on_the_sign_in_page(make_user: Callable[..., User]) -> None:
    client = browser_for(make_user(Role.AGENT))
    page = client.post("/staff/logout/", follow=True)
    assert page.redirect_chain[-1][0] == "/staff/login/"
    assert "You are signed out." in page.content.decode()
    assert client.get("/staff/").status_code == 302  # and really out


def test_phone_numbers_read_as_staff_say_them_and_no_status_is_chosen_for_them(
    pothole: Service, streets: Department, make_user: Callable[..., User]
) -> None:
    request = make_request(
        pothole, requester=Requester(first_name="Maria", last_name="Garcia", phone="+16085550123")
    )
    agent = browser_for(make_user(Role.AGENT))
    found = agent.get("/staff/calls/", {"q": "Garcia"}).content.decode()
    assert "(608) 555-0123" in found
    # Shown as read out; only the caller row's start-a-call form carries the stored number.
    assert "+16085550123" not in re.sub(r'value="[^"]*"', "", found)
    page = browser_for(make_user(Role.DEPARTMENT_STAFF, [streets]))
    html = page.get(f"/staff/requests/{request.public_id}/").content.decode()
    assert "(608) 555-0123" in html
    status = html.split('id="id_status"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>Choose the new status</option>' in status
    queue = page.get("/staff/queues/streets/").content.decode()
    bulk = queue.split('class="bulk-status"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>Choose the new status</option>' in bulk


def test_the_supervisors_list_says_how_many_need_attention(
    pothole: Service, streets: Department, make_user: Callable[..., User]
) -> None:
    for address in ("1 Main St", "2 Main St"):
        late = make_request(pothole, address=address)
        ServiceRequest.objects.filter(pk=late.pk).update(
            promised_at=timezone.now() - timedelta(days=1)
        )
    html = browser_for(make_user(Role.SUPERVISOR, [streets])).get("/staff/supervise/")
    assert "2 requests need attention, the most urgent first." in html.content.decode()


def test_a_lookup_by_surname_says_who_reported_each_request(
    pothole: Service, make_user: Callable[..., User]
) -> None:
    """Several callers share a surname: each request says whose it is, so the agent picks the
    caller on the line without opening every one."""
    for first, phone in (("Juan", "+16085550101"), ("Aisha", "+16085550102")):
        make_request(
            pothole, requester=Requester(first_name=first, last_name="Mensah", phone=phone)
        )
    html = browser_for(make_user(Role.AGENT)).get("/staff/calls/", {"q": "Mensah"})
    listed = html.content.decode().split('class="usa-list usa-list--unstyled request-list"', 1)[1]
    assert "reported by Juan Mensah" in listed
    assert "reported by Aisha Mensah" in listed
