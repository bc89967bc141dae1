"""The demo city shows QA working: a month of interactions with a few slips, drawn samples,
reviews in every state, a finished calibration."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from interactions.models import Interaction, InteractionKind
from qa.models import CalibrationSession, Evaluation, EvaluationStatus, SamplingPeriod
from qa.selectors import agreement
from qa.services import calibration_is_complete

pytestmark = pytest.mark.django_db


def test_the_demo_city_has_qa_to_look_at_and_loads_it_once() -> None:
    call_command("load_demo_city", "--requests", "30", stdout=StringIO(), verbosity=0)
    calls = Interaction.objects.filter(kind=InteractionKind.PHONE_CALL)
    assert calls.count() >= 150
    assert calls.filter(flagged_c_ids__contains=["C4"]).exists()
    assert Interaction.objects.filter(kind=InteractionKind.EMAIL_SENT).exists()
    assert SamplingPeriod.objects.exclude(revealed_at=None).exists()
    statuses = set(Evaluation.objects.values_list("status", flat=True))
    assert {
        EvaluationStatus.ASSIGNED,
        EvaluationStatus.SUBMITTED,
        EvaluationStatus.ACKNOWLEDGED,
        EvaluationStatus.DISPUTED,
        EvaluationStatus.ARBITRATED,
    } <= statuses
    assert Evaluation.objects.filter(
        reviewer__username="qa", status=EvaluationStatus.ASSIGNED
    ).exists()
    (session,) = CalibrationSession.objects.all()
    assert calibration_is_complete(session)
    assert agreement(list(session.evaluations.all()))["reviewers"] == 3
    assert session.consensus.exists()
    before = (Interaction.objects.count(), Evaluation.objects.count(), User.objects.count())
    call_command("load_demo_city", stdout=StringIO(), verbosity=0)
    assert (Interaction.objects.count(), Evaluation.objects.count(), User.objects.count()) == before
