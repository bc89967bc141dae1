import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from qa.screener import screen
from qa.screener_rules import slur_digest


class Command(BaseCommand):
    help = (
        "Screen texts against the courtesy standard: one text per line on stdin, one JSON "
        "object per line on stdout ({flags, score, blocked, rules_version})."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--kind",
            choices=["public_note", "internal_note", "call_notes", "message"],
            default="public_note",
            help="What the texts are; call notes are also checked for a greeting and a recap.",
        )
        parser.add_argument(
            "--digest",
            metavar="TERM",
            help="Print the digest to add TERM to the rules' slur list, and exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["digest"]:
            self.stdout.write(slur_digest(options["digest"]))
            return
        for line in sys.stdin:
            text = line.rstrip("\n")
            if not text.strip():
                continue
            self.stdout.write(json.dumps(screen(text, kind=options["kind"]).as_dict()))
