from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from demo.synthetic import RequestGenerator


class Command(BaseCommand):
    help = "Create N realistic synthetic service requests in the demo city."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=311)
        parser.add_argument("--days", type=int, default=60, help="Spread over this many past days.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["count"] < 0 or options["days"] < 1:
            raise CommandError("count must be >= 0 and days >= 1")
        try:
            generator = RequestGenerator(seed=options["seed"], days=options["days"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for _ in tqdm(
            generator.generate(options["count"]),
            total=options["count"],
            unit="request",
            desc="requests",
            disable=options["verbosity"] == 0,
        ):
            pass
        self.stdout.write(f"{options['count']} requests created")
