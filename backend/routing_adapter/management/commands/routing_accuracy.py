import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from routing_adapter.selectors import routing_accuracy_by_month


class Command(BaseCommand):
    help = "How often routing was right the first time (first owner = final owner), month by month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="one JSON object instead")

    def handle(self, *args: Any, **options: Any) -> None:
        months = routing_accuracy_by_month()
        if options["json"]:
            self.stdout.write(json.dumps({"months": months}))
            return
        self.stdout.write(f"{'month':8} {'requests':>9} {'kept':>9} {'accuracy':>9}")
        for month in months:
            self.stdout.write(
                f"{month['month']:8} {month['requests']:>9} {month['first_owner_kept']:>9} "
                f"{month['accuracy']:>9.1%}"
            )
