"""Reads for calls and commitments."""

from django.db.models import QuerySet

from accounts.models import Role, User
from interactions.models import Commitment, Interaction, InteractionKind
from interactions.policies import readable_interactions


def calls_visible_to(user: User) -> QuerySet[Interaction]:
    calls = Interaction.objects.filter(kind=InteractionKind.PHONE_CALL).select_related(
        "agent", "call_message"
    )
    return calls.filter(readable_interactions(user))


def interactions_visible_to(user: User) -> QuerySet[Interaction]:
    return Interaction.objects.filter(readable_interactions(user))


def commitments_visible_to(user: User) -> QuerySet[Commitment]:
    commitments = Commitment.objects.select_related("owner", "made_by", "service_request")
    if user.is_city_admin:
        return commitments
    if user.role == Role.SUPERVISOR:
        return commitments.filter(department__in=user.departments.all()) | commitments.filter(
            owner=user
        )
    return commitments.filter(owner=user) | commitments.filter(made_by=user)
