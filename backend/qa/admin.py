from django.contrib import admin

from core.readonly_admin import ReadOnlyAdmin
from qa.models import (
    CalibrationSession,
    CoachingNote,
    Evaluation,
    Rubric,
    RubricItem,
    SamplingPeriod,
)


class RubricItemInline(admin.TabularInline[RubricItem, Rubric]):
    model = RubricItem
    extra = 0
    can_delete = False

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Rubric)
class RubricAdmin(ReadOnlyAdmin):
    """Published versions are never edited; publish a new version instead."""

    list_display = ["version", "name", "pass_mark", "is_active", "published_at"]
    inlines = [RubricItemInline]


@admin.register(SamplingPeriod)
class SamplingPeriodAdmin(ReadOnlyAdmin):
    list_display = ["starts_on", "ends_on", "commitment", "drawn_at", "revealed_at"]
    exclude = ["key"]  # secret until revealed; the API shows it once revealed

    def get_readonly_fields(self, request: object, obj: object = None) -> list[str]:
        return [f.name for f in SamplingPeriod._meta.fields if f.name != "key"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["interaction", "reviewer", "stratum", "status", "score", "passed"]
    list_filter = ["stratum", "status", "passed", "critical_fail"]


@admin.register(CalibrationSession)
class CalibrationSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "created_by", "created_at"]


@admin.register(CoachingNote)
class CoachingNoteAdmin(ReadOnlyAdmin):
    list_display = ["agent", "author", "c_ids", "created_at"]
