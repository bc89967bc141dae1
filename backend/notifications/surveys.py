"""C10 answers: a resident's verdict reopens what is not fixed and starts service recovery."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput
from intake.models import EventKind
from intake.services import request_event_record, service_request_reopen_by_resident
from interactions.models import InteractionKind
from interactions.recording import interaction_record
from notifications.models import ServiceRecoveryTask, SurveyInvitation

SURVEY_VALID_FOR = timedelta(days=60)
LOW_SATISFACTION = 6
MAX_COMMENT = 2000


@dataclass(frozen=True)
class SurveyOutcome:
    reopened: bool
    recovery: ServiceRecoveryTask | None


def survey_find(*, token: str) -> SurveyInvitation | None:
    return (
        SurveyInvitation.objects.select_related("request", "request__service")
        .filter(token=token, created_at__gte=timezone.now() - SURVEY_VALID_FOR)
        .first()
    )


@transaction.atomic
def survey_answer(
    *, token: str, satisfaction: int, courteous: bool, fixed: bool, comment: str = ""
) -> SurveyOutcome:
    invitation = (
        SurveyInvitation.objects.select_for_update()
        .filter(token=token, created_at__gte=timezone.now() - SURVEY_VALID_FOR)
        .first()
    )
    if invitation is None:
        raise InvalidInput.field("token", "This survey link is not valid any more.")
    if invitation.answered_at is not None:
        raise InvalidInput.field("token", "This survey has already been answered. Thank you!")
    if not 1 <= satisfaction <= 10:
        raise InvalidInput.field("satisfaction", "Choose a number from 1 to 10.")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput.field("comment", f"At most {MAX_COMMENT} characters.")
    now = timezone.now()
    invitation.satisfaction, invitation.courteous, invitation.fixed = satisfaction, courteous, fixed
    invitation.comment, invitation.answered_at = comment, now
    invitation.save()
    service_request = invitation.request
    request_event_record(
        service_request=service_request,
        kind=EventKind.SURVEY_ANSWERED,
        at=now,
        actor=None,
        public=False,
        note=comment,
        data={"satisfaction": satisfaction, "courteous": courteous, "fixed": fixed},
    )
    interaction_record(
        kind=InteractionKind.SURVEY_ANSWER,
        at=now,
        department=service_request.department,
        service=service_request.service,
        requests=[service_request],
        text=comment,
        language=invitation.language,
        satisfaction=satisfaction,
        courteous=courteous,
    )
    reopened = False
    if not fixed:
        service_request_reopen_by_resident(
            service_request=service_request,
            reason="You told us the problem is not fixed, so we have reopened your request.",
        )
        reopened = True
    reasons = []
    if satisfaction <= LOW_SATISFACTION:
        reasons.append(f"satisfaction {satisfaction}/10")
    if not courteous:
        reasons.append("the resident did not feel treated courteously")
    if not fixed:
        reasons.append("the resident says it is not fixed")
    recovery = None
    if satisfaction <= LOW_SATISFACTION or not courteous:
        recovery = ServiceRecoveryTask.objects.create(
            request=service_request,
            survey=invitation,
            reason="Survey: " + "; ".join(reasons) + (f'. "{comment}"' if comment else "."),
        )
    return SurveyOutcome(reopened=reopened, recovery=recovery)
