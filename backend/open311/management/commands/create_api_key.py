from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from open311.services import api_key_issue


class Command(BaseCommand):
    help = "Issue an Open311 API key for a client; the key is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--contact", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        issued = api_key_issue(name=options["name"], contact=options["contact"])
        self.stdout.write(issued.key)
