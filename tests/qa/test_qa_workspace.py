"""The API the reviewers' workspace is built on: queues by due date, an evaluation with the
interaction in full, drafts, the agent's answers, disputes to arbitrate, periods, workload."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department
from intake.models import Service
from interactions.models import Interaction, InteractionKind
from qa import services
from qa.models import Evaluation, Stratum
from tests.factories import make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user: Callable[..., User], triage: Department) -> dict[str, User]:
    return {
        "agent": make_user(Role.AGENT, [triage]),
        "reviewer": make_user(Role.QA_REVIEWER),
        "supervisor": make_user(Role.SUPERVISOR, [triage]),
        "qa_admin": make_user(Role.QA_ADMIN),
    }


def _call(team: dict[str, User], pothole: Service, **fields: str) -> Interaction:
    call = Interaction.objects.create(
        kind=InteractionKind.PHONE_CALL,
        agent=team["agent"],
        started_at=timezone.now() - timedelta(hours=2),
        greeting="Riverton 3-1-1, this is Sam. How can I help?",
        paraphrase="So the pothole is in the right lane outside 100 Main?",
        text="Calm down, I already told you it's logged.",
        **fields,
    )
    call.requests.add(make_request(pothole))
    return call


def _assign(call: Interaction, reviewer: User, due_in_days: int) -> Evaluation:
    return Evaluation.objects.create(
        interaction=call,
        rubric=services.active_rubric(),
        reviewer=reviewer,
        stratum=Stratum.RANDOM if due_in_days > 1 else Stratum.C4_FLAG,
        due_at=timezone.now() + timedelta(days=due_in_days),
    )


def test_a_reviewer_sees_their_queue_by_due_date_and_the_call_in_full(
    team: dict[str, User], pothole: Service, client_for: Callable[[User], APIClient]
) -> None:
    call = _call(team, pothole)
    later = _assign(call, team["reviewer"], 5)
    sooner = _assign(call, team["reviewer"], 1)
    reviewer = client_for(team["reviewer"])
    queue = reviewer.get("/api/v1/qa/evaluations/assigned/").json()
    assert [e["id"] for e in queue] == [sooner.pk, later.pk]
    page = reviewer.get(f"/api/v1/qa/evaluations/{later.pk}/workspace/").json()
    assert page["interaction"]["agent"] == team["agent"].username
    texts = page["interaction"]["texts"]
    assert texts["greeting"]["flags"] == []
    assert {f["c_id"] for f in texts["text"]["flags"]} == {"C4"}
    assert 0 <= texts["text"]["politeness"] <= 1
    (request,) = page["requests"]
    assert [e["kind"] for e in request["timeline"]][:2] == ["created", "routed"]
    items = {i["code"]: i for i in page["rubric"]["items"]}
    assert items["greeting"]["title"].startswith("Answered with")
    assert page["rubric"]["answers"] == {}


def test_the_paraphrase_is_screened_but_never_gets_the_curt_hint(
    team: dict[str, User], pothole: Service, client_for: Callable[[User], APIClient]
) -> None:
    """A paraphrase restates the caller's problem: it is screened, but how warm it reads is
    not what it is for. The same words written as a note still get the hint."""
    flat = "A pothole at 100 Main St that has been there for weeks."
    call = Interaction.objects.create(
        kind=InteractionKind.PHONE_CALL,
        agent=team["agent"],
        started_at=timezone.now() - timedelta(hours=2),
        paraphrase=flat,
        text=flat,
    )
    call.requests.add(make_request(pothole))
    evaluation = _assign(call, team["reviewer"], 3)
    page = client_for(team["reviewer"]).get(f"/api/v1/qa/evaluations/{evaluation.pk}/workspace/")
    texts = page.json()["interaction"]["texts"]
    assert texts["paraphrase"]["hint"] is None
    assert texts["paraphrase"]["politeness"] == texts["text"]["politeness"]
    assert texts["text"]["hint"]


def test_a_draft_keeps_values_and_comments_until_submitted(
    team: dict[str, User], pothole: Service, client_for: Callable[[User], APIClient]
) -> None:
    evaluation = _assign(_call(team, pothole), team["reviewer"], 5)
    url = f"/api/v1/qa/evaluations/{evaluation.pk}/"
    reviewer = client_for(team["reviewer"])
    draft = {"greeting": {"value": "yes"}, "what-can-be-done": {"comment": "'Calm down'"}}
    saved = reviewer.post(url + "draft/", {"answers": draft}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["status"] == "assigned"
    assert saved.json()["draft_saved_at"] is not None
    answers = reviewer.get(url + "workspace/").json()["rubric"]["answers"]
    assert answers["greeting"] == {"value": "yes", "comment": ""}
    assert answers["what-can-be-done"] == {"value": "", "comment": "'Calm down'"}
    bad = reviewer.post(
        url + "draft/", {"answers": {"greeting": {"value": "maybe"}}}, format="json"
    )
    assert bad.status_code == 400
    assert "greeting" in bad.json()
    # Somebody else's draft is not theirs to write.
    other = client_for(team["qa_admin"]).post(url + "draft/", {"answers": draft}, format="json")
    assert other.status_code == 403


def test_the_agent_answers_and_the_dispute_goes_to_those_who_may_settle_it(
    team: dict[str, User], pothole: Service, client_for: Callable[[User], APIClient]
) -> None:
    evaluation = _assign(_call(team, pothole), team["reviewer"], 5)
    rubric = evaluation.rubric
    answers = {
        i.code: {"value": "yes" if i.scale == "yes_no" else "met"} for i in rubric.items.all()
    }
    answers["what-can-be-done"] = {"value": "not_met", "comment": "Said 'calm down'."}
    url = f"/api/v1/qa/evaluations/{evaluation.pk}/"
    assert client_for(team["reviewer"]).post(url + "submit/", {"answers": answers}, format="json")
    agent = client_for(team["agent"])
    (mine,) = agent.get("/api/v1/qa/evaluations/mine/").json()
    assert mine["id"] == evaluation.pk
    assert agent.post(url + "dispute/", {"comment": "The caller asked me to."}).status_code == 200
    for who, sees in (("supervisor", True), ("qa_admin", True), ("reviewer", False)):
        listed = client_for(team[who]).get("/api/v1/qa/evaluations/disputes/").json()
        assert [e["id"] for e in listed] == ([evaluation.pk] if sees else []), who
    assert agent.get("/api/v1/qa/evaluations/disputes/").json() == []


def test_a_period_shows_its_hash_its_draw_and_that_the_key_re_derives_it(
    team: dict[str, User], client_for: Callable[[User], APIClient]
) -> None:
    zone = timezone.get_current_timezone()
    for day in range(8, 15):
        Interaction.objects.create(
            kind=InteractionKind.PHONE_CALL,
            agent=team["agent"],
            started_at=datetime(2026, 10, day, 10, tzinfo=zone),
        )
    period = services.sampling_period_open(day=date(2026, 10, 8))
    client = client_for(team["agent"])
    before = client.get(f"/api/v1/qa/periods/{period.pk}/sample/").json()
    assert before["key"] is None
    assert before["drawn"] == []
    services.sampling_period_draw(period=period, now=datetime(2026, 10, 15, 1, tzinfo=zone))
    after = client.get(f"/api/v1/qa/periods/{period.pk}/sample/").json()
    assert after["key_matches_commitment"] is True
    assert after["rederived_matches"] is True
    assert len(after["drawn"]) == Evaluation.objects.exclude(stratum="double_score").count() > 0


def test_reviewer_workload_is_for_supervisors_and_qa(
    team: dict[str, User], pothole: Service, client_for: Callable[[User], APIClient]
) -> None:
    call = _call(team, pothole)
    _assign(call, team["reviewer"], 5)
    overdue = _assign(call, team["reviewer"], 1)
    Evaluation.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(days=1))
    assert client_for(team["agent"]).get("/api/v1/qa/workload/").status_code == 403
    (row,) = client_for(team["supervisor"]).get("/api/v1/qa/workload/").json()["reviewers"]
    assert row["reviewer"] == team["reviewer"].username
    assert (row["open"], row["overdue"], row["submitted_30_days"]) == (2, 1, 0)


def test_scorecards_and_patterns_carry_what_the_charts_need(
    team: dict[str, User], pothole: Service, client_for: Callable[[User], APIClient]
) -> None:
    evaluation = _assign(_call(team, pothole), team["reviewer"], 5)
    answers = {
        i.code: {"value": "yes" if i.scale == "yes_no" else "met"}
        for i in evaluation.rubric.items.all()
    }
    answers["what-can-be-done"] = {"value": "not_met"}
    services.evaluation_submit(evaluation=evaluation, reviewer=team["reviewer"], answers=answers)
    admin = client_for(team["qa_admin"])
    (card,) = admin.get("/api/v1/qa/scorecards/?by=agent").json()["scorecards"]
    assert {"pass_rate", "pass_rate_low", "pass_rate_high", "pass_rate_shrunk"} <= set(card)
    assert card["pass_rate_low"] <= card["pass_rate"] <= card["pass_rate_high"]
    (month,) = admin.get("/api/v1/qa/scorecards/").json()["trend"]
    assert {"centre", "lower", "upper", "out_of_control"} <= set(month)
    for by in ("service", "month"):
        rows = admin.get(f"/api/v1/qa/patterns/?by={by}").json()["rows"]
        assert {"c_id", by, "failed", "rated", "fail_rate"} <= set(rows[0])
        assert any(r["c_id"] == "C4" and r["failed"] == 1 for r in rows)


def test_a_submission_missing_answers_names_what_to_choose_in_plain_words(
    team: dict[str, User], pothole: Service, client_for: Callable[[User], APIClient]
) -> None:
    """The reviewer reads these beside each item: the scale's words, not the API's 'na'."""
    evaluation = _assign(_call(team, pothole), team["reviewer"], 5)
    refused = client_for(team["reviewer"]).post(
        f"/api/v1/qa/evaluations/{evaluation.pk}/submit/", {"answers": {}}, format="json"
    )
    assert refused.status_code == 400
    errors = refused.json()
    assert errors["greeting"] == [
        "Choose an answer, or \u201cnot applicable\u201d where it does not apply."
    ]
    assert errors["what-can-be-done"] == ["Choose an answer: this item always applies."]
    assert "'na'" not in refused.content.decode()
