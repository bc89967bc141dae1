"""A caller found by the call screen's lookup starts a call with their details filled in:
the walk's caller step is taken through the interactions service, in their language."""

import re
from collections.abc import Callable

import pytest
from django.test import Client

from accounts.models import Role, User
from intake.commands import Requester
from intake.models import Service
from interactions.models import Interaction
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def test_a_caller_row_starts_a_call_with_that_caller(
    pothole: Service, make_user: Callable[..., User]
) -> None:
    make_request(
        pothole,
        requester=Requester(
            first_name="Ana", last_name="Okafor", phone="+16085550199", language="es"
        ),
    )
    client = Client()
    client.force_login(make_user(Role.AGENT))
    lookup = client.get("/staff/calls/", {"q": "Okafor"}, HTTP_HX_REQUEST="true").content.decode()
    row = re.search(r'<li class="caller-row">.*?</li>', lookup, re.S)
    assert row is not None, "no caller row with a way to start the call"
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', row.group(0)))
    assert "Start a call with Ana Okafor" in row.group(0)
    started = client.post("/staff/calls/start/", fields)
    assert started.status_code == 302
    call = Interaction.objects.get()
    assert (call.caller_name, call.caller_phone, call.language) == (
        "Ana Okafor",
        "+16085550199",
        "es",
    )
    assert call.greeting  # the desk's greeting, as the plain start sends it
    walk = client.get(started["Location"]).content.decode()
    current = re.search(r'segment--current"[^>]*>\s*<span[^>]*>([^<]+)<', walk)
    assert current is not None
    assert "caller" not in current.group(1).lower()  # the walk has moved past the caller step


def test_a_plain_start_still_opens_on_the_caller_step(make_user: Callable[..., User]) -> None:
    client = Client()
    client.force_login(make_user(Role.AGENT))
    client.post("/staff/calls/start/", {"greeting": "Riverton 3-1-1, Sam speaking"})
    call = Interaction.objects.get()
    assert (call.caller_name, call.caller_phone) == ("", "")


@pytest.mark.parametrize("language", ["", "fr"])
def test_a_caller_whose_language_we_do_not_offer_is_still_filled_in(
    language: str, make_user: Callable[..., User]
) -> None:
    client = Client()
    client.force_login(make_user(Role.AGENT))
    client.post(
        "/staff/calls/start/",
        {"caller_name": "Ana Okafor", "caller_phone": "+16085550199", "language": language},
    )
    call = Interaction.objects.get()
    assert (call.caller_name, call.caller_phone, call.language) == (
        "Ana Okafor",
        "+16085550199",
        "en",
    )
