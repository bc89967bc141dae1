from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from audit.admin import AuditedAdmin
from core.models import Area, Department, Holiday, WorkUnit, calendar_errors
from core.widgets import SelfHostedMapWidget


class CityMapAdmin(AuditedAdmin, GISModelAdmin):
    # The stubs type gis_widget as an instance; Django expects the widget class.
    gis_widget = SelfHostedMapWidget  # type: ignore[assignment]


class WorkUnitInline(admin.TabularInline[WorkUnit, Department]):
    model = WorkUnit
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "slug", "public_name", "is_active", "configuration"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "public_name"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [WorkUnitInline]

    @admin.display(description="Configuration")
    def configuration(self, department: Department) -> str:
        """A department routing cannot use is skipped; say so where administrators look."""
        errors = calendar_errors(
            working_days=department.working_days,
            day_starts_at=department.day_starts_at,
            day_ends_at=department.day_ends_at,
        )
        if not errors:
            return "ok"
        return "unusable, skipped by routing: " + " ".join(
            message for messages in errors.values() for message in messages
        )


@admin.register(WorkUnit)
class WorkUnitAdmin(AuditedAdmin):
    list_display = ["name", "slug", "department", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["name", "slug"]


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    list_display = ["date", "name", "department"]
    list_filter = ["department"]
    date_hierarchy = "date"


@admin.register(Area)
class AreaAdmin(CityMapAdmin):
    list_display = ["name", "kind", "agency"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "agency"]
    prepopulated_fields = {"slug": ("name",)}
