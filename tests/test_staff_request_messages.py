"""'Messages to the resident' on the staff request page says what each message was (its
kind), how it went (email or text message, to whom) and whether it went out."""

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from intake.commands import Requester
from intake.models import Service, ServiceRequest
from notifications.models import Channel, MessageKind, MessageStatus, OutboxMessage
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def messages_part(user: User, public_id: str) -> str:
    client = Client()
    client.force_login(user)
    html = client.get(f"/staff/requests/{public_id}/").content.decode()
    return html.split("Messages to the resident", 1)[1].split("</ul>", 1)[0]


def test_each_message_says_its_kind_channel_and_whether_it_went_out(
    pothole: Service, streets_staff: User
) -> None:
    request = make_request(
        pothole,
        requester=Requester(phone="+16085550123", channel="sms", email="r@example.org"),
    )
    message = OutboxMessage.objects.get(request=request)
    part = messages_part(streets_staff, request.public_id)
    assert "Request received" in part
    assert "Text message to (608) 555-0123" in part
    assert "Waiting to be sent" in part
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT, sent_at=timezone.now()
    )
    assert "Sent" in messages_part(streets_staff, request.public_id)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED, attempts=5, last_error="number unreachable"
    )
    failed = messages_part(streets_staff, request.public_id)
    assert "Not delivered" in failed
    assert "after 5 attempts: number unreachable" in failed


def email_about(request: ServiceRequest, kind: str, recipient: str) -> None:
    OutboxMessage.objects.create(
        request=request,
        kind=kind,
        channel=Channel.EMAIL,
        recipient=recipient,
        language="en",
        subject=kind,
        body=kind,
        next_attempt_at=timezone.now(),
    )


def test_followers_addresses_and_staff_alerts_are_not_listed(
    pothole: Service, streets_staff: User
) -> None:
    """A follower gave their address to be told, not to the department; supervisors' alerts
    are not messages to a resident."""
    request = make_request(pothole, requester=Requester(email="r@example.org", channel="email"))
    email_about(request, MessageKind.STATUS_CHANGED, "neighbour@example.org")
    email_about(request, MessageKind.AT_RISK, "supervisor@city.example")
    part = messages_part(streets_staff, request.public_id)
    assert "to r@example.org" in part
    assert "neighbour@example.org" not in part
    assert "to a follower" in part
    assert "supervisor@city.example" not in part
    assert "Promise at risk" not in part
