"""The floor's one table: created by the benchmark itself, never migrated (unmanaged)."""

from django.db import models


class FloorRequest(models.Model):
    service_code = models.CharField(max_length=64)
    description = models.TextField(blank=True, default="")
    lat = models.FloatField()
    long = models.FloatField()

    class Meta:
        app_label = "intake_bench"
        managed = False
        db_table = "bench_floor"

    def __str__(self) -> str:
        return f"{self.service_code} at {self.lat}, {self.long}"
