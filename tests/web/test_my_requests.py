"""My requests: a one-time link by email, no password, no account enumeration."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db.models import QuerySet
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from intake.commands import Requester
from intake.models import Follower, Service, ServiceRequest
from notifications.models import MessageKind, OutboxMessage, SignInLink
from notifications.services import outbox_deliver
from notifications.sign_in import token_digest
from tests.factories import make_request
from tests.query_plans import plan_with_only

ANA = Requester(email="ana@example.org", channel="email", first_name="Ana")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
LINK = re.compile(r"/my-requests/sign-in/([A-Za-z0-9_-]+)/")


@pytest.fixture
def reported(pothole: Service) -> ServiceRequest:
    return make_request(pothole, requester=ANA)


def _ask(client: Client, email: str, **headers: str) -> tuple[int, str]:
    answer = client.post("/my-requests/", {"email": email}, **headers)  # type: ignore[arg-type]
    return answer.status_code, answer.content.decode()


def _link_message() -> OutboxMessage:
    return OutboxMessage.objects.filter(kind=MessageKind.SIGN_IN).latest("id")


def _token() -> str:
    match = LINK.search(_link_message().body)
    assert match is not None
    return match.group(1)


def _signed_in(client: Client) -> None:
    _ask(client, "ana@example.org")
    assert client.post(f"/my-requests/sign-in/{_token()}/").status_code == 302


def test_the_answer_is_the_same_whether_or_not_the_address_is_known(
    reported: ServiceRequest,
) -> None:
    known_status, known = _ask(Client(), "ANA@example.org")
    unknown_status, unknown = _ask(Client(), "nobody@example.org")
    assert known_status == unknown_status == 200

    def same(page: str, email: str) -> str:
        return CSRF.sub("", page.replace(email, "X"))

    assert same(known, "ANA@example.org") == same(unknown, "nobody@example.org")
    assert OutboxMessage.objects.filter(kind=MessageKind.SIGN_IN).count() == 1
    message = _link_message()  # to the known address only
    assert message.recipient == "ANA@example.org"
    assert message.request is None
    assert message.channel == "email"


def test_the_link_is_in_the_residents_language_and_stored_only_as_a_digest(
    reported: ServiceRequest,
) -> None:
    _ask(Client(HTTP_ACCEPT_LANGUAGE="es"), "ana@example.org")
    message = _link_message()
    assert message.language == "es"
    assert "funciona una sola vez" in message.body
    assert "Su enlace" in message.subject
    token = _token()
    link = SignInLink.objects.get()
    assert link.digest == token_digest(token)
    assert token not in link.digest
    assert not SignInLink.objects.filter(digest=token).exists()


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_the_link_leaves_the_stored_message_once_sent(reported: ServiceRequest) -> None:
    _ask(Client(), "ana@example.org")
    token = _token()
    assert outbox_deliver(message_id=_link_message().pk).status == "sent"
    assert token in mail.outbox[0].body
    assert token not in _link_message().body


def test_the_link_works_once_and_shows_the_residents_requests(
    reported: ServiceRequest, pothole: Service
) -> None:
    someone_else = make_request(pothole, requester=Requester(email="bo@example.org"))
    client = Client()
    _ask(client, "ana@example.org")
    token = _token()
    # Opening the link (as a mail scanner would) does not use it up.
    assert client.get(f"/my-requests/sign-in/{token}/").status_code == 200
    assert client.get(f"/my-requests/sign-in/{token}/").status_code == 200
    answer = client.post(f"/my-requests/sign-in/{token}/")
    assert answer.status_code == 302
    assert answer["Location"] == "/my-requests/"
    page = client.get("/my-requests/").content.decode()
    assert reported.public_id in page
    assert someone_else.public_id not in page
    again = Client().post(f"/my-requests/sign-in/{token}/")
    assert again.status_code == 404
    assert "expired or has already been used" in again.content.decode()


def test_an_expired_or_made_up_link_does_not_sign_in(reported: ServiceRequest) -> None:
    client = Client()
    _ask(client, "ana@example.org")
    token = _token()
    SignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/my-requests/sign-in/{token}/").status_code == 404
    assert client.post(f"/my-requests/sign-in/{token}/").status_code == 404
    assert client.post("/my-requests/sign-in/made-up/").status_code == 404
    assert "ana@example.org" not in client.get("/my-requests/").content.decode()


def test_a_sign_in_lasts_twelve_hours_and_ends_on_sign_out(reported: ServiceRequest) -> None:
    client = Client()
    _signed_in(client)
    assert reported.public_id in client.get("/my-requests/").content.decode()
    session = client.session
    session["resident_signed_in_at"] = (timezone.now() - timedelta(hours=13)).isoformat()
    session.save()
    assert reported.public_id not in client.get("/my-requests/").content.decode()
    _signed_in(client)
    assert client.post("/my-requests/sign-out/").status_code == 302
    assert reported.public_id not in client.get("/my-requests/").content.decode()


def test_asking_is_limited_per_client_address_and_per_email(
    reported: ServiceRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "resident_sign_in_address", "4/hour")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "resident_sign_in_email", "2/hour")
    client = Client()
    answers = [_ask(client, "ana@example.org")[0] for _ in range(3)]
    # The third one answered as usual, but nothing more went to Ana's inbox.
    assert answers == [200, 200, 200]
    assert OutboxMessage.objects.filter(kind=MessageKind.SIGN_IN).count() == 2
    assert _ask(client, "other@example.org")[0] == 200
    status, page = _ask(client, "other@example.org")
    assert status == 429
    assert "try again in" in page
    elsewhere = Client(REMOTE_ADDR="127.0.0.9")
    assert _ask(elsewhere, "other@example.org")[0] == 200


def test_a_bad_address_is_named_on_its_field(db: None) -> None:
    status, page = _ask(Client(), "not an address")
    assert status == 400
    assert 'aria-invalid="true"' in page
    assert not OutboxMessage.objects.exists()


def test_a_signed_in_resident_follows_and_stops_following(
    reported: ServiceRequest, pothole: Service
) -> None:
    neighbours = make_request(pothole, requester=Requester(email="bo@example.org"))
    client = Client()
    _signed_in(client)
    status_page = client.get(f"/requests/{neighbours.public_id}/").content.decode()
    assert "Follow with ana@example.org" in status_page
    client.post(f"/my-requests/follow/{neighbours.public_id}/")
    assert Follower.objects.filter(request=neighbours, email="ana@example.org").exists()
    page = client.get("/my-requests/").content.decode()
    assert f"Stop following {neighbours.public_id}" in page
    answer = client.post(f"/my-requests/unfollow/{neighbours.public_id}/")
    assert answer.status_code == 302
    assert not Follower.objects.filter(request=neighbours).exists()
    assert "You follow no request" in client.get("/my-requests/").content.decode()


def test_following_and_unfollowing_need_a_sign_in(reported: ServiceRequest) -> None:
    Follower.objects.create(request=reported, email="bo@example.org")
    client = Client()
    assert client.post(f"/my-requests/unfollow/{reported.public_id}/").status_code == 302
    assert Follower.objects.filter(request=reported).exists()
    client.post(f"/my-requests/follow/{reported.public_id}/")
    assert Follower.objects.count() == 1


@pytest.mark.parametrize(
    "lookup",
    [
        pytest.param(Follower.objects.filter(email__iexact="Ana@Example.org"), id="has-requests"),
        pytest.param(
            ServiceRequest.objects.filter(followers__email__iexact="Ana@Example.org").order_by(
                "-created_at", "-id"
            ),
            id="followed-requests",
        ),
    ],
)
def test_what_an_address_follows_is_read_from_the_email_index(
    db: None, lookup: QuerySet[Any]
) -> None:
    """Sign-in and "my requests" find an address's follows in any case (UPPER(email), as
    intake.selectors asks): on a city's table of followers, without the index, every
    follower is read at each sign-in."""
    plan = plan_with_only(
        lookup, index="follower_email_upper_idx", switched_off=("enable_seqscan",)
    )
    assert "follower_email_upper_idx" in plan, plan
    assert "Seq Scan" not in plan, plan
