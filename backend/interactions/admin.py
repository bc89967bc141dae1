from django.contrib import admin

from core.readonly_admin import ReadOnlyAdmin
from interactions.models import CallMessage, Commitment, Interaction


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    list_display = ["kind", "agent", "started_at", "outcome", "courtesy_score"]
    list_filter = ["kind", "outcome"]
    search_fields = ["agent__username", "requests__public_id"]


@admin.register(CallMessage)
class CallMessageAdmin(ReadOnlyAdmin):
    list_display = ["kind", "caller_name", "for_user", "for_department", "called_at"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["kind", "status", "owner", "due_at"]
    list_filter = ["status", "kind"]
