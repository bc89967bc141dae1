"""The queue's counts (work.selectors.queue_counts) read a department's open requests from
this index alone (an index-only scan): every column the counts look at is in it. Built
concurrently on intake's table (core.concurrent_indexes)."""

from django.db import migrations, models

from core.concurrent_indexes import build_concurrently

OPEN = ["new", "acknowledged", "in_progress", "on_hold"]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("intake", "0010_translations_sensitive_photos")]

    operations = [
        build_concurrently(
            "intake",
            "ServiceRequest",
            [
                models.Index(
                    fields=["department", "unit"],
                    include=["status", "promised_at", "created_at", "assignee"],
                    condition=models.Q(status__in=OPEN),
                    name="queue_counts_idx",
                )
            ],
        )
    ]
