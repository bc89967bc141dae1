from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from demo.catalogue import DEMO_PASSWORD
from demo.qa import demo_qa_load
from demo.services import demo_city_load
from intake.models import ServiceRequest


class Command(BaseCommand):
    help = "Load (or refresh) the Riverton demo city: departments, services, areas, demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--requests",
            type=int,
            default=0,
            help="Also generate this many requests if there are none yet.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "The demo city has demo logins with known passwords: not in production."
            )
        users = demo_city_load(year=timezone.localdate().year)
        if options["requests"] and not ServiceRequest.objects.exists():
            call_command("generate_requests", options["requests"], verbosity=options["verbosity"])
            # The demo's history teaches the router and the service classifier, as a city's would.
            call_command("learn_routing", verbosity=options["verbosity"], stdout=self.stdout)
        if demo_qa_load():
            self.stdout.write("QA: a month of calls, the weekly samples, reviews, a calibration.")
        self.stdout.write(
            f"Demo city {settings.CIVIC311_CITY_NAME} loaded. Demo logins "
            f"(password for all: {DEMO_PASSWORD}):"
        )
        for user in users:
            scope = ", ".join(d.slug for d in user.departments.all()) or "city-wide"
            self.stdout.write(f"  {user.username:<12} {user.get_role_display():<20} {scope}")
