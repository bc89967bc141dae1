import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qa.politeness import MODEL_PATH
from qa.politeness_training import C_GRID, MIN_COUNT, MODEL_VERSION, fit, load_quartiles


class Command(BaseCommand):
    help = (
        "Retrain the politeness model from the Stack Exchange politeness corpus (top and bottom "
        "quartiles) and write it as JSON beside the courtesy rules. Deterministic: the same "
        "file gives the same model."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("corpus", type=Path, help="stack-exchange.annotated.csv")
        parser.add_argument("--out", type=Path, default=MODEL_PATH)
        parser.add_argument("--model-version", default=MODEL_VERSION)

    def handle(self, *args: Any, **options: Any) -> None:
        corpus: Path = options["corpus"]
        if not corpus.is_file():
            raise CommandError(f"No such file: {corpus}")
        if "wiki" in corpus.name.lower():
            raise CommandError("The Wikipedia part is kept for independent evaluation only.")
        items = load_quartiles(corpus)
        model = fit(items, version=options["model_version"])
        about = {
            "trained_on": corpus.name,
            "requests": len(items),
            "regularisation_c": model.regularisation_c,
            "regularisation_c_grid": list(C_GRID),
            "min_count": MIN_COUNT,
        }
        options["out"].write_text(json.dumps(model.as_json(**about)) + "\n", encoding="utf-8")
        self.stdout.write(
            f"{options['out']}: version {model.version}, {len(model.weights)} features, "
            f"{len(items)} requests"
        )
