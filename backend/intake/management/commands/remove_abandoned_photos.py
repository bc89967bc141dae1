from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from intake.services.photos import ABANDONED_BATCH, request_photos_remove_abandoned


class Command(BaseCommand):
    help = "Delete photos uploaded for reports that were never sent (what the hourly job does)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=settings.CIVIC311_PHOTO_ABANDONED_HOURS,
            help="Only photos older than this (default CIVIC311_PHOTO_ABANDONED_HOURS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["hours"] < 1:
            raise CommandError("--hours must be at least 1.")
        window = timedelta(hours=options["hours"])
        total = 0
        while True:  # batch by batch, so a large backlog never holds one long transaction
            removed = request_photos_remove_abandoned(older_than=window)
            total += removed
            if removed < ABANDONED_BATCH:
                break
        self.stdout.write(f"{total} abandoned photos removed.")
