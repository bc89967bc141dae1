"""The city's organisation (departments, work units, calendars) and geography (areas)."""

from datetime import time, timedelta

from django.contrib.gis.db import models as gis
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


def default_working_days() -> list[int]:
    return [0, 1, 2, 3, 4]


def calendar_errors(
    *, working_days: list[int] | None, day_starts_at: time | None, day_ends_at: time | None
) -> dict[str, list[str]]:
    """What makes a department's working calendar unusable for promised dates, by field.

    Checked wherever a department is written (API, admin); the engine build checks again
    and skips a department that is still unusable (a row written some other way).
    """
    errors: dict[str, list[str]] = {}
    days = list(working_days or [])
    if not days:
        errors["working_days"] = ["Give at least one working day."]
    elif any(day not in range(7) for day in days):
        errors["working_days"] = ["Each working day is 0 (Monday) to 6 (Sunday)."]
    elif len(set(days)) != len(days):
        errors["working_days"] = ["A working day is listed twice."]
    if day_starts_at is not None and day_ends_at is not None and day_ends_at <= day_starts_at:
        errors["day_ends_at"] = ["The working day must end after it starts (day_starts_at)."]
    return errors


class Department(models.Model):
    """A city department (or the contact centre's triage desk) that owns service requests."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200, unique=True)
    public_name = models.CharField(
        max_length=200, help_text="Shown to residents, e.g. Open311 agency_responsible."
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    working_days = ArrayField(
        models.PositiveSmallIntegerField(choices=WEEKDAYS),
        default=default_working_days,
        help_text="Weekdays the department works, 0 = Monday.",
    )
    day_starts_at = models.TimeField(default=time(8, 0))
    day_ends_at = models.TimeField(default=time(17, 0))
    acknowledge_within = models.DurationField(
        default=timedelta(hours=24),
        help_text="New requests not acknowledged within this time escalate to supervisors.",
    )
    is_active = models.BooleanField(default=True)
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='The public name per language: {"es": {"public_name": "Calles y Vías"}}.',
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def public_label(self, language: str = "") -> str:
        """The name residents read, in their language when the city has translated it."""
        found = self.translations.get(language) if isinstance(self.translations, dict) else None
        translated = found.get("public_name") if isinstance(found, dict) else None
        return str(translated or self.public_name or self.name)

    def clean(self) -> None:
        errors = calendar_errors(
            working_days=self.working_days,
            day_starts_at=self.day_starts_at,
            day_ends_at=self.day_ends_at,
        )
        if errors:
            raise ValidationError(errors)


class WorkUnit(models.Model):
    """A crew, district yard or queue inside a department."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="units")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "slug"], name="unique_unit_slug_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department.name} / {self.name}"


class Holiday(models.Model):
    """A day nobody works: city-wide (no department) or for one department."""

    date = models.DateField()
    name = models.CharField(max_length=200)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="holidays"
    )

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "department"],
                name="unique_holiday_per_department",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Area(models.Model):
    """A named polygon: city limits, a council district, or an overlay owned by another agency."""

    slug = models.SlugField(max_length=120)
    name = models.CharField(max_length=200)
    kind = models.SlugField(
        max_length=64,
        db_index=True,
        help_text="e.g. city-limits, council-district, state-highway, county-park",
    )
    agency = models.CharField(
        max_length=200,
        blank=True,
        help_text="The outside agency that owns this area, if it is not the city.",
    )
    geometry = gis.MultiPolygonField(srid=4326, spatial_index=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="unique_area_slug_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class Address(models.Model):
    """A street address the city publishes (its address points): for the residents' address
    box (type-ahead) and for naming the nearest address to a pin."""

    address_id = models.CharField(max_length=100, unique=True, help_text="The city's own id.")
    full_address = models.CharField(max_length=300, help_text='e.g. "1200 Oak Street".')
    street = models.CharField(max_length=200, blank=True)
    zipcode = models.CharField(max_length=20, blank=True)
    # Geography with its GiST index: the nearest address to a pin is a metre-distance search.
    location = gis.PointField(geography=True, srid=4326, spatial_index=True)
    # Lower-case, single-spaced: prefix searches on the address and on the street name.
    search_text = models.CharField(max_length=300, editable=False)
    street_search_text = models.CharField(max_length=200, editable=False, blank=True)

    class Meta:
        ordering = ["full_address"]
        verbose_name_plural = "addresses"
        indexes = [
            models.Index(
                fields=["search_text"], name="address_search_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["street_search_text"],
                name="address_street_search_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.full_address
