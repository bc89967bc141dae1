import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import InvalidInput
from routing_adapter.services import routing_rules_import


class Command(BaseCommand):
    help = "Load a RULES.json rule set (from `python -m routing learn` or export_routing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="Deactivate rules the file does not contain."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise CommandError(f"{path} is not a rule set")
        try:
            result = routing_rules_import(data=data, replace=options["replace"])
        except InvalidInput as exc:
            raise CommandError("; ".join(m for ms in exc.errors.values() for m in ms)) from exc
        self.stdout.write(
            f"{result.created} created, {result.updated} updated, {result.deactivated} deactivated"
        )
