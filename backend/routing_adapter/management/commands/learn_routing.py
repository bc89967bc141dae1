from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from routing_adapter.services import routing_model_learn


class Command(BaseCommand):
    help = "Relearn routing rules and the service classifier from this city's own requests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since-days", type=int, default=365)

    def handle(self, *args: Any, **options: Any) -> None:
        result = routing_model_learn(since_days=options["since_days"])
        self.stdout.write(
            f"learned {result.learned_rules} rules from {result.requests} requests; "
            f"service classifier: {'yes' if result.classifier else 'not enough text'}"
        )
