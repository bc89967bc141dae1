from django.db import migrations

APPEND_ONLY = """
CREATE FUNCTION intake_requestevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'request history is append-only (% refused)', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER intake_requestevent_no_update_or_delete
    BEFORE UPDATE OR DELETE ON intake_requestevent
    FOR EACH ROW EXECUTE FUNCTION intake_requestevent_append_only();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS intake_requestevent_no_update_or_delete ON intake_requestevent;
DROP FUNCTION IF EXISTS intake_requestevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE intake_request_number_seq START 1001",
            "DROP SEQUENCE intake_request_number_seq",
        ),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
