""""My requests" looks up what an address follows in any case (email__iexact, which compares
UPPER(email)): an index on that expression instead of a sequential scan of every follower.
Built concurrently, so a city's followers table keeps taking follows while it is built."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.models.functions import Upper


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("intake", "0010_translations_sensitive_photos"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="follower",
            index=models.Index(Upper("email"), name="follower_email_upper_idx"),
        ),
    ]
