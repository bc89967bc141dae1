from django.contrib import admin

from audit.admin import AuditedAdmin
from routing_adapter.models import RoutingModel, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ["rule_id", "scope", "department", "unit", "priority", "source", "is_active"]
    list_filter = ["scope", "source", "is_active", "family"]
    search_fields = ["rule_id", "department", "unit", "note"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["rule_id", "scope", "conditions", "department", "unit", "note"]}),
        ("Order", {"fields": ["priority", "is_active"]}),
        (
            "Learned",
            {
                "classes": ["collapse"],
                "fields": [
                    "source",
                    "family",
                    "outcomes",
                    "min_support",
                    "min_purity",
                    "half_life_days",
                    "last_outcome_at",
                ],
            },
        ),
        (None, {"fields": ["updated_at"]}),
    ]


@admin.register(RoutingModel)
class RoutingModelAdmin(AuditedAdmin):
    list_display = ["name", "adopt_after", "updated_at"]
    # The city's setting is `adopt_after`; proposals are shown with their evidence.
    readonly_fields = [
        "families",
        "cell_sizes",
        "classifier",
        "metadata",
        "proposals",
        "updated_at",
    ]
