import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.services import ADDRESS_COLUMNS, address_import_rows


class Command(BaseCommand):
    help = (
        "Import the city's address points from a CSV with a header: address_id, address, "
        "lat, long (WGS 84), and optionally zipcode, street. Re-importing replaces by address_id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                missing = set(ADDRESS_COLUMNS) - set(reader.fieldnames or [])
                if missing:
                    raise CommandError(f"{path}: missing columns {', '.join(sorted(missing))}")
                result = address_import_rows(rows=reader)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        for problem in result.skipped[:50]:
            self.stderr.write(f"skipped {problem}")
        if len(result.skipped) > 50:
            self.stderr.write(f"... and {len(result.skipped) - 50} more")
        self.stdout.write(f"{result.imported} imported, {len(result.skipped)} skipped")
