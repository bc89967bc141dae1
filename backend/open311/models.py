"""API keys of Open311 clients (apps, civic tools) that submit requests."""

from django.db import models


class ApiKey(models.Model):
    """A client's key. Only a hash is stored: the key itself is shown once, when issued."""

    name = models.CharField(max_length=120, help_text="Who the key is for, e.g. 'Riverton app'.")
    contact = models.EmailField(blank=True, help_text="Whom to call about this client.")
    prefix = models.CharField(max_length=8, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API key"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
