import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from core.services import area_import_features


class Command(BaseCommand):
    help = "Import the polygons of a GeoJSON FeatureCollection as areas of one kind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, help="e.g. council-district, neighbourhood")
        parser.add_argument("--name-property", default="name")
        parser.add_argument("--agency", default="", help="Outside agency that owns these areas")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            collection = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        features = collection.get("features") if isinstance(collection, dict) else None
        if not isinstance(features, list):
            raise CommandError(f"{path} is not a GeoJSON FeatureCollection")
        result = area_import_features(
            features=tqdm(
                features,
                desc=f"areas ({options['kind']})",
                unit="area",
                disable=options["verbosity"] == 0,
            ),
            kind=options["kind"],
            name_property=options["name_property"],
            agency=options["agency"],
        )
        for problem in result.skipped:
            self.stderr.write(f"skipped {problem}")
        self.stdout.write(
            f"{result.created} created, {result.updated} updated, {len(result.skipped)} skipped"
        )
