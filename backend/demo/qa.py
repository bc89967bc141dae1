"""QA in the demo city: a month of calls, notes and messages from three agents (with a few
realistic courtesy slips), the weekly samples drawn from them, reviews submitted, acknowledged
and disputed, and one finished blind calibration session, so every QA login has something
to look at. Deterministic apart from the sampling keys, which are secret by design."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_ensure
from core.models import Department
from demo.catalogue import DEMO_PASSWORD
from intake.models import ServiceRequest
from interactions.models import CallOutcome, Interaction, InteractionKind
from qa import services
from qa.models import Evaluation, EvaluationStatus, SamplingPeriod
from qa.screener import screen

DAYS = 30
CALLS_PER_AGENT_DAY = 2
# Extra demo staff so scorecards compare agents and calibration has three reviewers.
EXTRA_STAFF = [
    ("lee", Role.AGENT, "Lee", "Okafor"),
    ("sam", Role.AGENT, "Sam", "Novak"),
    ("qa2", Role.QA_REVIEWER, "Avery", "Lindqvist"),
]
GREETINGS = [
    "Riverton 3-1-1, this is {name}. How can I help you today?",
    "Thank you for calling Riverton 3-1-1, my name is {name}. How may I help?",
    "Riverton 3-1-1, {name} speaking, how can I help?",
]
CURT_GREETING = "Yeah, 3-1-1."
PARAPHRASES = [
    "So the streetlight outside number 40 on Oak has been out since Monday, is that right?",
    "Let me make sure I have it: the trash on Birch was missed twice this month?",
    "You're saying the pothole in the right lane of Main by the bakery is getting deeper?",
    "So the graffiti is on the north wall of the library, facing the car park?",
]
GOOD_NOTES = [
    "I'm sorry it's been a week. I've logged it and the crew will be there by Thursday.",
    "Thanks for your patience; I've sent it to Sanitation and they'll pick up tomorrow.",
    "I've added your photos so the crew can find the spot; you'll get a text when it's fixed.",
    "I've transferred it to Parks myself, who own that tree; they'll contact you by Friday.",
]
# The slips QA is there to catch (C4, C6), and curt notes the politeness model marks.
SLIPS = [
    "Calm down, I already told you it's logged.",
    "That's not my department, you'll have to call the county office.",
    "Our policy says we don't pick up on holidays.",
    "As I said, there's nothing I can do.",
    "Whatever. It's in the system.",
]
RECAP = (
    "Recap: your reference number is {ref}; the crew will visit by {day}. Thank you for calling."
)
CURT_RECAP = "Done."


def _staff() -> tuple[list[User], list[User]]:
    triage = Department.objects.filter(slug="contact-centre").first()
    for username, role, first, last in EXTRA_STAFF:
        user_ensure(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            departments=[triage] if triage and role == Role.AGENT else [],
            first_name=first,
            last_name=last,
            email=f"{username}@riverton.example",
        )
    agents = list(User.objects.filter(username__in=["agent", "lee", "sam"]).order_by("username"))
    reviewers = list(User.objects.filter(username__in=["qa", "qa2", "qa-admin"]).order_by("pk"))
    return agents, reviewers


def _call(rng: random.Random, agent: User, at: datetime, ref: str) -> Interaction:
    slip = rng.random() < 0.12
    curt = rng.random() < 0.08
    text = rng.choice(SLIPS) if slip else rng.choice(GOOD_NOTES)
    call = Interaction(
        kind=InteractionKind.PHONE_CALL,
        agent=agent,
        started_at=at,
        ended_at=at + timedelta(minutes=rng.randint(3, 12)),
        caller_name=rng.choice(["Ana Ruiz", "Tom Becker", "Li Wei", "Grace Obi", "Mo Haddad"]),
        reason="Report a problem",
        outcome=CallOutcome.REQUEST_CREATED,
        greeting=CURT_GREETING if curt else rng.choice(GREETINGS).format(name=agent.first_name),
        caller_words="It's been like this for a week and nobody has done anything!",
        paraphrase=rng.choice(PARAPHRASES),
        paraphrase_confirmed=True,
        recap=CURT_RECAP if curt else RECAP.format(ref=ref, day="Friday"),
        text=text,
    )
    screening = screen(f"{call.greeting}\n{call.text}\n{call.recap}", kind="call_notes")
    call.flagged_c_ids = screening.c_ids
    call.flags = screening.as_dict()["flags"]
    call.courtesy_score = screening.score
    call.screener_version = screening.rules_version
    return call


def _month_of_interactions(rng: random.Random, agents: list[User], today: date) -> None:
    zone = timezone.get_current_timezone()
    requests = list(ServiceRequest.objects.order_by("pk")[:200])
    made: list[tuple[Interaction, ServiceRequest | None]] = []
    for offset in range(DAYS, 0, -1):
        day = today - timedelta(days=offset)
        for agent in agents:
            for n in range(CALLS_PER_AGENT_DAY):
                at = datetime.combine(day, time(9 + 2 * n, rng.randint(0, 59)), tzinfo=zone)
                linked = rng.choice(requests) if requests else None
                ref = linked.public_id if linked else f"{day.year}-0{rng.randint(1000, 9999)}"
                made.append((_call(rng, agent, at, ref), linked))
            if linked is not None:  # the automatic message the resident received afterwards
                made.append(
                    (
                        Interaction(
                            kind=InteractionKind.EMAIL_SENT,
                            started_at=at + timedelta(minutes=1),
                            text=f"We have your request {linked.public_id}. Thank you.",
                        ),
                        linked,
                    )
                )
    Interaction.objects.bulk_create([i for i, _ in made])
    through = Interaction.requests.through
    through.objects.bulk_create(
        through(interaction_id=i.pk, servicerequest_id=r.pk) for i, r in made if r is not None
    )


def _answers(rng: random.Random, evaluation: Evaluation) -> dict[str, dict[str, str]]:
    flagged = set(evaluation.interaction.flagged_c_ids)
    values = {
        "greeting": "no" if "C1" in flagged else "yes",
        "complete-message": "na",
        "listen-verify": rng.choice(["met", "met", "partly"]),
        "what-can-be-done": "not_met" if "C4" in flagged else "met",
        "ownership": "not_met" if "C6" in flagged else "met",
        "promise": "met",
        "informed": rng.choice(["met", "na"]),
        "recovery": "na",
        "survey": "na",
        "close": "not_met" if "C11" in flagged else "met",
        "no-derogatory-remark": "yes",
        "no-insult": "yes",
    }
    comments = {
        "what-can-be-done": "Led with the refusal; say what will happen and when.",
        "ownership": "Told the caller to call another office (C6).",
        "greeting": "No service name or own name in the greeting.",
        "close": "No recap with the reference number.",
    }
    return {
        code: {"value": v, "comment": comments.get(code, "") if v in ("no", "not_met") else ""}
        for code, v in values.items()
    }


def _reviews(rng: random.Random, now: datetime) -> None:
    """Submit the earlier weeks' reviews; the agents acknowledge most and dispute two, one of
    which the supervisor has settled. The latest week stays in the reviewers' queues."""
    latest = SamplingPeriod.objects.exclude(drawn_at=None).order_by("-starts_on").first()
    earlier = Evaluation.objects.filter(period__isnull=False, status=EvaluationStatus.ASSIGNED)
    if latest is not None:
        earlier = earlier.exclude(period=latest)
    supervisor = User.objects.filter(username="supervisor").first()
    disputed = 0
    for evaluation in earlier.select_related("interaction__agent", "reviewer").order_by("pk"):
        done = services.evaluation_submit(
            evaluation=evaluation, reviewer=evaluation.reviewer, answers=_answers(rng, evaluation)
        )
        agent = evaluation.interaction.agent
        if done.status != EvaluationStatus.SUBMITTED or agent is None:
            continue
        if disputed < 2 and done.score is not None and done.score < 90:
            services.evaluation_dispute(
                evaluation=done, agent=agent, reason="The caller asked me to be brief."
            )
            disputed += 1
            if disputed == 1 and supervisor is not None:
                services.evaluation_arbitrate(
                    evaluation=done,
                    arbiter=supervisor,
                    note="Brief is fine; leading with the refusal is not. The scores stand.",
                )
        elif rng.random() < 0.7:
            services.evaluation_acknowledge(evaluation=done, agent=agent, comment="Thanks.")


def _calibration(rng: random.Random, reviewers: list[User], agents: list[User]) -> None:
    admin = next((r for r in reviewers if r.role == Role.QA_ADMIN), None)
    calls = list(
        Interaction.objects.filter(kind=InteractionKind.PHONE_CALL, agent__in=agents)
        .exclude(flagged_c_ids=[])
        .order_by("started_at")[:3]
    )
    if admin is None or len(reviewers) < 2 or not calls:
        return
    session = services.calibration_session_create(
        title="Calibration: handling refusals (C4)",
        created_by=admin,
        interactions=calls,
        participants=reviewers,
    )
    for evaluation in session.evaluations.select_related("interaction", "reviewer"):
        services.evaluation_submit(
            evaluation=evaluation, reviewer=evaluation.reviewer, answers=_answers(rng, evaluation)
        )
    for call in calls:
        services.calibration_consensus_record(
            session=session,
            actor=admin,
            interaction=call,
            item_code="what-can-be-done",
            value="not_met" if "C4" in call.flagged_c_ids else "met",
            note="Agreed after discussion.",
        )


@transaction.atomic
def demo_qa_load(*, now: datetime | None = None, seed: int = 16) -> bool:
    """Load the QA demo once (False when it is there already)."""
    if SamplingPeriod.objects.exists():
        return False
    now = now or timezone.now()
    rng = random.Random(seed)
    agents, reviewers = _staff()
    today = timezone.localdate(now)
    _month_of_interactions(rng, agents, today)
    for offset in range(DAYS, -1, -1):  # idempotent: one period per sampling week
        services.sampling_period_open(day=today - timedelta(days=offset))
    for period in SamplingPeriod.objects.filter(ends_on__lt=today).order_by("starts_on"):
        services.sampling_period_draw(period=period, now=now)
    _reviews(rng, now)
    _calibration(rng, reviewers, agents)
    return True
