import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from routing_adapter.services import routing_rules_export


class Command(BaseCommand):
    help = "Write the active routing rules and model as RULES.json (stdout or --out FILE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        text = json.dumps(routing_rules_export(), indent=1, ensure_ascii=False) + "\n"
        if options["out"]:
            options["out"].write_text(text, encoding="utf-8")
            self.stdout.write(f"written to {options['out']}")
        else:
            sys.stdout.write(text)
