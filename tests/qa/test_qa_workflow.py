"""QA end to end: rubric, auditable sampling, reviews and disputes, blind calibration,
the permission matrix and scorecards."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.errors import InvalidInput
from core.models import Department
from interactions.models import Interaction, InteractionKind
from qa import selectors, services
from qa.models import Evaluation, Rubric, Stratum
from qa.sampling import key_matches

pytestmark = pytest.mark.django_db

WEEK = date(2026, 10, 8)  # days 8-14 of October


def _interaction(agent: User, at: datetime, **fields: Any) -> Interaction:
    return Interaction.objects.create(
        kind=InteractionKind.PHONE_CALL, agent=agent, started_at=at, ended_at=at, **fields
    )


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 10, day, hour, tzinfo=timezone.get_current_timezone())


def _answers(rubric: Rubric, **overrides: str) -> dict[str, dict[str, str]]:
    values = {i.code: ("yes" if i.scale == "yes_no" else "met") for i in rubric.items.all()}
    values.update(overrides)
    return {code: {"value": v, "comment": f"note on {code}"} for code, v in values.items()}


@pytest.fixture
def team(make_user: Callable[..., User], triage: Department) -> dict[str, User]:
    old = timezone.now() - timedelta(days=400)
    people = {
        "agent": make_user(Role.AGENT, [triage]),
        "other_agent": make_user(Role.AGENT, [triage]),
        "reviewer": make_user(Role.QA_REVIEWER),
        "second_reviewer": make_user(Role.QA_REVIEWER),
        "supervisor": make_user(Role.SUPERVISOR, [triage]),
        "qa_admin": make_user(Role.QA_ADMIN),
    }
    User.objects.filter(pk__in=[u.pk for u in people.values()]).update(date_joined=old)
    for user in people.values():
        user.refresh_from_db()
    return people


def test_default_rubric_weights_sum_to_100_and_scoring_handles_na_and_critical() -> None:
    rubric = services.active_rubric()
    items = list(rubric.items.all())
    assert sum(i.weight for i in items if not i.critical) == 100
    assert {i.c_id for i in items} >= {f"C{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)}
    answers = {i.pk: ("yes" if i.scale == "yes_no" else "met") for i in items}
    by_code = {i.code: i for i in items}
    answers[by_code["complete-message"].pk] = "na"  # no message taken: out of the denominator
    answers[by_code["listen-verify"].pk] = "partly"
    score, passed, critical = services.score_answers(items, answers, 80)
    assert score == pytest.approx(100 * (92 - 7) / 92, abs=0.01)
    assert passed is True
    assert critical is False
    answers[by_code["no-derogatory-remark"].pk] = "no"
    score, passed, critical = services.score_answers(items, answers, 80)
    assert critical is True
    assert passed is False  # whatever the score
    assert score is not None
    assert score > 80


def test_a_rubric_change_is_a_new_version_for_future_evaluations_only() -> None:
    first = services.active_rubric()
    with pytest.raises(InvalidInput):
        services.rubric_publish(
            version="bad",
            name="x",
            items=[{"code": "a", "c_id": "C1", "title": "A", "scale": "yes_no", "weight": 90}],
        )
    items = [
        {
            "code": i.code,
            "c_id": i.c_id,
            "title": i.title,
            "scale": i.scale,
            "weight": i.weight,
            "critical": i.critical,
            "allows_na": i.allows_na,
        }
        for i in first.items.all()
    ]
    second = services.rubric_publish(version="2027.01", name="Next", items=items)
    assert services.active_rubric() == second
    first.refresh_from_db()
    assert not first.is_active
    assert first.items.count() == len(items)  # the old version is untouched


def test_the_sample_is_unpredictable_then_re_derived_from_the_revealed_key(
    team: dict[str, User], make_user: Callable[..., User], triage: Department
) -> None:
    newcomer = make_user(Role.AGENT, [triage])  # joined today: first 90 days
    for n in range(12):
        _interaction(team["agent"], _at(8 + n % 7, 9 + n % 8))
        _interaction(newcomer, _at(8 + n % 7, 9 + n % 8))
    flagged = _interaction(team["other_agent"], _at(9), flagged_c_ids=["C5"])
    period = services.sampling_period_open(day=WEEK)
    assert period.revealed_key is None
    assert (period.starts_on, period.ends_on) == (date(2026, 10, 8), date(2026, 10, 14))
    with pytest.raises(InvalidInput):
        services.sampling_period_draw(period=period, now=_at(14, 12))  # week not over
    created = services.sampling_period_draw(period=period, now=_at(15, 1))
    assert created > 0
    period.refresh_from_db()
    assert key_matches(period.revealed_key or "", period.commitment)
    # Quotas: this week's share of 10 a month (20 for a newcomer); October has 31 days.
    assert services.weekly_quota(10, period.starts_on, period.ends_on) == 3
    assert services.weekly_quota(20, period.starts_on, period.ends_on) == 4
    october = [(1, 7), (8, 14), (15, 21), (22, 28), (29, 31)]
    for monthly in (10, 20):
        weeks = [
            services.weekly_quota(monthly, date(2026, 10, a), date(2026, 10, b)) for a, b in october
        ]
        assert sum(weeks) == monthly
    random_reviews = Evaluation.objects.filter(stratum=Stratum.RANDOM)
    per_agent = {
        u.username: random_reviews.filter(interaction__agent=u).count()
        for u in (team["agent"], newcomer)
    }
    assert per_agent == {team["agent"].username: 3, newcomer.username: 4}
    # Anyone can re-derive exactly the same sample from the revealed key.
    again = services.sample_for_period(period, period.revealed_key or "")
    assert sorted(i for _, i in again[Stratum.RANDOM]) == sorted(
        str(e.interaction_id) for e in random_reviews
    )
    # Every C5 flag is reviewed, in its own stratum; nobody reviews themself.
    assert Evaluation.objects.filter(stratum=Stratum.C5_FLAG, interaction=flagged).exists()
    for evaluation in Evaluation.objects.select_related("interaction"):
        assert evaluation.reviewer_id != evaluation.interaction.agent_id


def test_a_review_assigned_by_hand_before_the_draw_is_not_assigned_again(
    team: dict[str, User],
) -> None:
    flagged = _interaction(team["agent"], _at(9), flagged_c_ids=["C5"])
    for reviewer in ("reviewer", "second_reviewer", "qa_admin"):
        Evaluation.objects.create(
            interaction=flagged,
            rubric=services.active_rubric(),
            reviewer=team[reviewer],
            stratum=Stratum.C5_FLAG,
        )
    period = services.sampling_period_open(day=WEEK)
    services.sampling_period_draw(period=period, now=_at(15, 1))
    period.refresh_from_db()
    assert period.drawn_at is not None
    assert Evaluation.objects.filter(interaction=flagged, stratum=Stratum.C5_FLAG).count() == 3


def _submitted_review(team: dict[str, User]) -> Evaluation:
    interaction = _interaction(team["agent"], timezone.now() - timedelta(hours=1))
    evaluation = Evaluation.objects.create(
        interaction=interaction,
        rubric=services.active_rubric(),
        reviewer=team["reviewer"],
        stratum=Stratum.RANDOM,
    )
    return services.evaluation_submit(
        evaluation=evaluation,
        reviewer=team["reviewer"],
        answers=_answers(evaluation.rubric, greeting="no"),
    )


def test_review_dispute_and_arbitration(
    team: dict[str, User], client_for: Callable[[User], APIClient]
) -> None:
    evaluation = _submitted_review(team)
    assert evaluation.score == 92.0
    url = f"/api/v1/qa/evaluations/{evaluation.pk}/"
    agent = client_for(team["agent"])
    seen = agent.get(url).json()
    assert seen["answers"]["greeting"] == {
        "c_id": "C1",
        "value": "no",
        "comment": "note on greeting",
    }
    assert client_for(team["other_agent"]).get(url).status_code == 404
    # The agent disputes; the agent cannot arbitrate their own case; the supervisor rescores.
    assert agent.post(url + "dispute/", {"comment": ""}).status_code == 400
    assert agent.post(url + "dispute/", {"comment": "I did greet"}).json()["status"] == "disputed"
    assert agent.post(url + "arbitrate/", {"note": "mine"}, format="json").status_code == 403
    decided = client_for(team["supervisor"]).post(
        url + "arbitrate/",
        {"note": "The recording has the greeting.", "answers": _answers(evaluation.rubric)},
        format="json",
    )
    assert decided.status_code == 200
    assert decided.json()["status"] == "arbitrated"
    assert decided.json()["score"] == 100.0
    coached = client_for(team["supervisor"]).post(
        url + "coaching/", {"c_ids": ["C1"], "text": "Keep the greeting."}, format="json"
    )
    assert coached.status_code == 201


def test_the_answer_window_closes(team: dict[str, User]) -> None:
    evaluation = _submitted_review(team)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        respond_by=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(InvalidInput):
        services.evaluation_dispute(evaluation=evaluation, agent=team["agent"], reason="late")


def test_reviewers_never_score_their_own_interactions(team: dict[str, User]) -> None:
    interaction = _interaction(team["reviewer"], timezone.now())
    evaluation = Evaluation.objects.create(
        interaction=interaction,
        rubric=services.active_rubric(),
        reviewer=team["reviewer"],
        stratum=Stratum.C4_FLAG,
    )
    with pytest.raises(Exception, match="own"):
        services.evaluation_submit(
            evaluation=evaluation,
            reviewer=team["reviewer"],
            answers=_answers(evaluation.rubric),
        )


def test_bad_answers_are_field_errors(
    team: dict[str, User], client_for: Callable[[User], APIClient]
) -> None:
    interaction = _interaction(team["agent"], timezone.now())
    evaluation = Evaluation.objects.create(
        interaction=interaction,
        rubric=services.active_rubric(),
        reviewer=team["reviewer"],
        stratum=Stratum.RANDOM,
    )
    answers = _answers(evaluation.rubric, greeting="maybe")
    answers.pop("close")
    answers["made-up"] = {"value": "yes"}
    response = client_for(team["reviewer"]).post(
        f"/api/v1/qa/evaluations/{evaluation.pk}/submit/", {"answers": answers}, format="json"
    )
    assert response.status_code == 400
    assert {"greeting", "close", "answers"} <= set(response.json())
    na_not_allowed = _answers(evaluation.rubric, **{"no-derogatory-remark": "na"})
    response = client_for(team["reviewer"]).post(
        f"/api/v1/qa/evaluations/{evaluation.pk}/submit/",
        {"answers": na_not_allowed},
        format="json",
    )
    assert "no-derogatory-remark" in response.json()


def test_calibration_is_blind_until_everyone_has_submitted(
    team: dict[str, User], client_for: Callable[[User], APIClient]
) -> None:
    calls = [_interaction(team["agent"], timezone.now() - timedelta(hours=n)) for n in (1, 2)]
    admin = client_for(team["qa_admin"])
    created = admin.post(
        "/api/v1/qa/calibration/",
        {
            "title": "October",
            "interactions": [str(c.pk) for c in calls],
            "participants": [team["reviewer"].username, team["second_reviewer"].username],
        },
        format="json",
    )
    assert created.status_code == 201
    url = f"/api/v1/qa/calibration/{created.json()['id']}/"
    first, second = client_for(team["reviewer"]), client_for(team["second_reviewer"])
    for evaluation in Evaluation.objects.filter(reviewer=team["reviewer"]):
        first.post(
            f"/api/v1/qa/evaluations/{evaluation.pk}/submit/",
            {"answers": _answers(evaluation.rubric)},
            format="json",
        )
    mine = first.get(url + "scores/").json()
    assert {e["reviewer"] for e in mine} == {team["reviewer"].username}
    assert all(e["agent"] is None for e in mine)  # the agent's name is hidden
    assert first.get(url + "agreement/").status_code == 403
    assert client_for(team["agent"]).get(url + "scores/").status_code == 404
    for evaluation in Evaluation.objects.filter(reviewer=team["second_reviewer"]):
        second.post(
            f"/api/v1/qa/evaluations/{evaluation.pk}/submit/",
            {"answers": _answers(evaluation.rubric, greeting="no")},
            format="json",
        )
    everyone = first.get(url + "scores/").json()
    assert len(everyone) == 4
    report = first.get(url + "agreement/").json()
    assert report["divergent_items"] == ["greeting"]
    greeting = next(i for i in report["items"] if i["item"] == "greeting")
    assert greeting["raw_agreement"] == 0.0
    assert greeting["prevalence"] == {"yes": 0.5, "no": 0.5}
    consensus = admin.post(
        url + "consensus/",
        {"interaction": str(calls[0].pk), "item": "greeting", "value": "yes"},
        format="json",
    )
    assert consensus.status_code == 201


def test_permission_matrix(
    team: dict[str, User], make_user: Callable[..., User], sanitation: Department
) -> None:
    evaluation = _submitted_review(team)
    pending = Evaluation.objects.create(
        interaction=_interaction(team["other_agent"], timezone.now()),
        rubric=services.active_rubric(),
        reviewer=team["second_reviewer"],
        stratum=Stratum.RANDOM,
    )
    stranger_supervisor = make_user(Role.SUPERVISOR, [sanitation])
    expected = {
        "agent": {evaluation.pk},  # their own, submitted
        "other_agent": set(),  # not submitted yet: nothing to see
        "reviewer": {evaluation.pk},  # assigned to them
        "second_reviewer": {pending.pk},
        "supervisor": {evaluation.pk},  # their team's submitted reviews
        "qa_admin": {evaluation.pk, pending.pk},
    }
    for role, ids in expected.items():
        seen = set(selectors.evaluations_visible_to(team[role]).values_list("pk", flat=True))
        assert seen == ids, role
    assert not selectors.evaluations_visible_to(stranger_supervisor).exists()


def test_scorecards_report_uncertainty_and_keep_critical_fails_apart(
    team: dict[str, User], client_for: Callable[[User], APIClient]
) -> None:
    rubric = services.active_rubric()
    for n in range(10):
        evaluation = Evaluation.objects.create(
            interaction=_interaction(team["agent"], timezone.now() - timedelta(days=n + 1)),
            rubric=rubric,
            reviewer=team["reviewer"],
            stratum=Stratum.RANDOM,
        )
        overrides = {"listen-verify": "not_met", "what-can-be-done": "not_met"} if n < 2 else {}
        services.evaluation_submit(
            evaluation=evaluation, reviewer=team["reviewer"], answers=_answers(rubric, **overrides)
        )
    risk = Evaluation.objects.create(
        interaction=_interaction(team["agent"], timezone.now() - timedelta(days=1)),
        rubric=rubric,
        reviewer=team["reviewer"],
        stratum=Stratum.C5_FLAG,
    )
    services.evaluation_submit(
        evaluation=risk,
        reviewer=team["reviewer"],
        answers=_answers(rubric, **{"no-derogatory-remark": "no"}),
    )
    # Another agent with a review of their own: each agent must see their card and only it.
    theirs = Evaluation.objects.create(
        interaction=_interaction(team["other_agent"], timezone.now() - timedelta(days=2)),
        rubric=rubric,
        reviewer=team["reviewer"],
        stratum=Stratum.RANDOM,
    )
    services.evaluation_submit(
        evaluation=theirs, reviewer=team["reviewer"], answers=_answers(rubric)
    )
    body = client_for(team["qa_admin"]).get("/api/v1/qa/scorecards/?by=agent").json()
    cards = {c["agent"]: c for c in body["scorecards"]}
    assert set(cards) == {team["agent"].username, team["other_agent"].username}
    card = cards[team["agent"].username]
    assert card["reviews"] == 10  # the risk review does not count towards the score
    assert card["pass_rate"] == 0.8
    assert (card["pass_rate_low"], card["pass_rate_high"]) == (0.49, 0.943)
    assert card["critical_fails"] == 1
    assert body["trend"]
    # The agent sees only their own card; pattern reports are not for agents.
    for who in ("agent", "other_agent"):
        seen = client_for(team[who]).get("/api/v1/qa/scorecards/").json()["scorecards"]
        assert [c["agent"] for c in seen] == [team[who].username], who
    assert client_for(team["agent"]).get("/api/v1/qa/patterns/").status_code == 403
    patterns = client_for(team["supervisor"]).get("/api/v1/qa/patterns/?by=month").json()
    assert patterns["rows"][0]["c_id"] in {"C3", "C4", "C5"}


def test_sample_size_calculator(
    team: dict[str, User], client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(team["qa_admin"])
    assert client.get("/api/v1/qa/sample-size/?margin=0.05").json()["reviews_needed"] == 385
    assert (
        client.get("/api/v1/qa/sample-size/?margin=0.05&population=1000").json()["reviews_needed"]
        == 278
    )
    assert "margin" in client.get("/api/v1/qa/sample-size/?margin=2").json()
