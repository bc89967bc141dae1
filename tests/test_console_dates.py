"""One way to write dates in the staff console and the QA workspace, in the city's time zone
(the p-chart's months were "2026-10-01", and each page had its own format)."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client, override_settings

from accounts.models import User
from intake.models import Service, ServiceRequest
from tests.factories import make_request

TEMPLATES = Path(__file__).resolve().parent.parent / "frontend" / "templates"
# Machine-read (the call timer's ISO time) or read out to a caller ("promised by Wednesday
# 9 December", as the recap says it): not dates for staff to read on the page.
NOT_FOR_READING = {"|date:'c'", '|date:"l j F"'}


def written(value: object, part: str = "") -> str:
    argument = f':"{part}"' if part else ""
    template = Template("{% load console_dates %}{{ value|when" + argument + " }}")
    return template.render(Context({"value": value}))


@override_settings(TIME_ZONE="America/Chicago")
def test_the_filter_writes_months_days_and_times_in_the_citys_time_zone() -> None:
    evening_utc = datetime(2026, 12, 10, 2, 30, tzinfo=UTC)  # 9 Dec, 20:30 in Chicago
    assert written(evening_utc) == "9 Dec 2026"
    assert written(evening_utc, "time") == "9 Dec 2026 20:30"
    assert written("2026-10-01", "month") == "October 2026"
    assert written(date(2026, 10, 1), "month") == "October 2026"
    assert written(evening_utc.isoformat(), "time") == "9 Dec 2026 20:30"
    assert written("not a date") == ""
    assert written(None) == ""


def test_no_staff_or_qa_template_writes_a_date_its_own_way() -> None:
    own_ways = []
    for template in [*TEMPLATES.glob("staff/**/*.html"), *TEMPLATES.glob("qa/**/*.html")]:
        for found in re.findall(r"\|date:(?:'[^']*'|\"[^\"]*\")", template.read_text()):
            if found not in NOT_FOR_READING:
                own_ways.append(f"{template.relative_to(TEMPLATES)}: {found}")
    assert not own_ways, own_ways


@pytest.mark.django_db
@override_settings(TIME_ZONE="America/Chicago")
def test_the_request_page_writes_the_promised_date_as_the_console_does(
    pothole: Service, streets_staff: User
) -> None:
    request = make_request(pothole)
    promised = datetime(2026, 12, 10, 2, 30, tzinfo=UTC)
    ServiceRequest.objects.filter(pk=request.pk).update(promised_at=promised)
    client = Client()
    client.force_login(streets_staff)
    html = client.get(f"/staff/requests/{request.public_id}/").content.decode()
    assert "<dd>9 Dec 2026 20:30</dd>" in html
    assert (promised - timedelta(hours=6)).strftime("%A") not in html.split("Promised by")[1][:80]
