"""Indexes for the caller lookup (interactions.selectors.caller_lookup) on the requests' and
calls' contact columns. Expression indexes written in SQL: the lookup's expressions must match
them exactly (see PhoneKey); Django emits UPPER(col::text) for iexact and istartswith, and
prefix matching (LIKE 'ABC%') needs text_pattern_ops."""

from django.db import migrations

PHONE_KEY = "RIGHT(REGEXP_REPLACE({col}, '[^0-9]', '', 'g'), 10)"

# name: (table, expression, operator class)
INDEXES = {
    "caller_request_phone_idx": (
        "intake_servicerequest",
        PHONE_KEY.format(col="requester_phone"),
        "",
    ),
    "caller_request_last_name_idx": (
        "intake_servicerequest",
        "UPPER(requester_last_name::text)",
        "text_pattern_ops",
    ),
    "caller_request_email_idx": ("intake_servicerequest", "UPPER(requester_email::text)", ""),
    "caller_request_address_idx": (
        "intake_servicerequest",
        "UPPER(address::text)",
        "text_pattern_ops",
    ),
    "caller_call_phone_idx": (
        "interactions_interaction",
        PHONE_KEY.format(col="caller_phone"),
        "",
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("interactions", "0002_drop_covered_indexes"),
        ("intake", "0009_drop_covered_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {name} ON {table} (({expression}) {opclass})",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, (table, expression, opclass) in INDEXES.items()
    ]
