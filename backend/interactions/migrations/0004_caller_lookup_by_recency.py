"""The caller lookup reads a surname's requests most recent first from an index in that
order and stops after a page (interactions.selectors.caller_lookup): one index over every
request (for recent closed ones) and one over open requests only. They replace 0003's surname
index, a prefix of both. Built concurrently on intake's table (core.concurrent_indexes)."""

from django.contrib.postgres.indexes import OpClass
from django.db import migrations, models
from django.db.models.functions import Upper

from core.concurrent_indexes import build_concurrently

OPEN = ["new", "acknowledged", "in_progress", "on_hold"]
NEWEST_FIRST = (
    models.OrderBy(models.F("created_at"), descending=True, nulls_last=True),
    models.OrderBy(models.F("id"), descending=True),
)


def _surname() -> OpClass:
    # text_pattern_ops: the index also serves "starts with" (LIKE 'GAR%') under any collation.
    return OpClass(Upper("requester_last_name"), name="text_pattern_ops")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("interactions", "0003_caller_lookup_indexes"),
        ("intake", "0010_translations_sensitive_photos"),
    ]

    operations = [
        build_concurrently(
            "intake",
            "ServiceRequest",
            [
                models.Index(_surname(), *NEWEST_FIRST, name="caller_request_name_idx"),
                models.Index(
                    _surname(),
                    *NEWEST_FIRST,
                    name="caller_request_open_name_idx",
                    condition=models.Q(status__in=OPEN),
                ),
            ],
            replaces=[
                (
                    "caller_request_last_name_idx",
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS caller_request_last_name_idx ON "
                    "intake_servicerequest ((UPPER(requester_last_name::text)) text_pattern_ops)",
                )
            ],
        )
    ]
