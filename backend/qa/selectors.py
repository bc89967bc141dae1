"""QA reads: who sees which evaluations, calibration agreement, scorecards, C12 patterns."""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

import numpy as np
from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from accounts.models import Role, User
from interactions.models import Commitment, CommitmentStatus, Interaction, InteractionKind
from qa import policies, statistics
from qa.models import (
    NOT_APPLICABLE,
    CalibrationSession,
    Evaluation,
    EvaluationAnswer,
    EvaluationStatus,
    Stratum,
)
from qa.services import calibration_is_complete

SCORED = [
    EvaluationStatus.SUBMITTED,
    EvaluationStatus.ACKNOWLEDGED,
    EvaluationStatus.DISPUTED,
    EvaluationStatus.ARBITRATED,
]
FAILING = {"no", "not_met", "partly"}


def evaluations_visible_to(user: User) -> QuerySet[Evaluation]:
    """The permission matrix: QA admins everything; reviewers what is assigned to them;
    supervisors their teams' reviews; agents their own submitted reviews (never calibration
    or second scores, which measure reviewers)."""
    evaluations = Evaluation.objects.select_related("interaction__agent", "reviewer", "rubric")
    if policies.is_qa_admin(user):
        return evaluations
    mine_to_review = Q(reviewer=user)
    about_me = Q(interaction__agent=user, status__in=SCORED) & ~Q(
        stratum__in=[Stratum.CALIBRATION, Stratum.DOUBLE_SCORE]
    )
    visible = mine_to_review | about_me
    if user.role == Role.SUPERVISOR:
        visible |= Q(
            interaction__agent__departments__in=user.departments.all(), status__in=SCORED
        ) & ~Q(stratum=Stratum.CALIBRATION)
    return evaluations.filter(visible).distinct()


def calibration_scores_visible(session: CalibrationSession, user: User) -> QuerySet[Evaluation]:
    """Blind: until everyone has submitted, a participant sees only their own scores."""
    evaluations = session.evaluations.select_related("reviewer").prefetch_related("answers__item")
    if calibration_is_complete(session) or policies.is_qa_admin(user):
        return evaluations
    return evaluations.filter(reviewer=user)


@dataclass(frozen=True)
class ItemAgreement:
    item: str
    c_id: str
    raw_agreement: float
    fleiss_kappa: float | None
    krippendorff_alpha: float | None
    prevalence: dict[str, float]
    divergent: bool


def _ratings(evaluations: Sequence[Evaluation]) -> dict[str, dict[tuple[str, str], str]]:
    """{item code: {(reviewer, interaction): value}} for submitted evaluations."""
    by_item: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    answers = EvaluationAnswer.objects.filter(evaluation__in=evaluations).select_related(
        "item", "evaluation"
    )
    for a in answers:
        by_item[a.item.code][(str(a.evaluation.reviewer_id), str(a.evaluation.interaction_id))] = (
            a.value
        )
    return by_item


def _safe(value: Any) -> float | None:
    """A statistic, or None where it is undefined (every rating the same: no variation)."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            result = float(value())
    except (ValueError, ZeroDivisionError):
        return None
    return None if result != result else round(result, 3)  # NaN: no variation to measure


def agreement(evaluations: Sequence[Evaluation], *, divergent_below: float = 0.8) -> dict[str, Any]:
    """Per item and overall: raw agreement, Fleiss' kappa, Krippendorff's alpha (missing and
    'na' ratings allowed), prevalence; mean pairwise Cohen's kappa overall; divergent items."""
    submitted = [e for e in evaluations if e.status != EvaluationStatus.ASSIGNED]
    ratings = _ratings(submitted)
    codes = {a.item.code: a.item.c_id for e in submitted for a in e.answers.all()}
    reviewers = sorted({str(e.reviewer_id) for e in submitted})
    items: list[ItemAgreement] = []
    overall: dict[tuple[str, str], str] = {}
    for code, values in sorted(ratings.items()):
        present = {k: v for k, v in values.items() if v != NOT_APPLICABLE}
        overall.update({(r, f"{code}:{i}"): v for (r, i), v in present.items()})
        interactions = sorted({i for _, i in present})
        rows = [[present[(r, i)] for r in reviewers if (r, i) in present] for i in interactions]
        full = [row for row in rows if len(row) == len(reviewers)]
        counts = Counter(present.values())
        total = sum(counts.values())
        raw = statistics.raw_agreement(rows) if rows else 1.0
        items.append(
            ItemAgreement(
                item=code,
                c_id=codes.get(code, ""),
                raw_agreement=round(raw, 3),
                fleiss_kappa=_safe(lambda f=full: statistics.fleiss(f)) if full else None,
                krippendorff_alpha=_safe(lambda p=present: statistics.krippendorff_alpha(p)),
                prevalence={k: round(v / total, 3) for k, v in counts.items()} if total else {},
                divergent=raw < divergent_below,
            )
        )
    pairwise = []
    for first, second in combinations(reviewers, 2):
        shared = sorted(k[1] for k in overall if k[0] == first and (second, k[1]) in overall)
        if shared:
            pairwise.append(
                _safe(
                    lambda s=shared, a=first, b=second: statistics.cohens_kappa(
                        [overall[(a, i)] for i in s], [overall[(b, i)] for i in s]
                    )
                )
            )
    kappas = [k for k in pairwise if k is not None]
    return {
        "reviewers": len(reviewers),
        "items": [i.__dict__ for i in items],
        "overall": {
            "raw_agreement": round(sum(i.raw_agreement for i in items) / len(items), 3)
            if items
            else None,
            "mean_cohens_kappa": round(sum(kappas) / len(kappas), 3) if kappas else None,
            "krippendorff_alpha": _safe(lambda: statistics.krippendorff_alpha(overall))
            if overall
            else None,
        },
        "divergent_items": [i.item for i in items if i.divergent],
    }


def double_score_reliability() -> dict[str, Any]:
    """Ongoing reliability: random reviews and their blind second scores."""
    doubles = Evaluation.objects.filter(stratum=Stratum.DOUBLE_SCORE).exclude(
        status=EvaluationStatus.ASSIGNED
    )
    interaction_ids = doubles.values("interaction_id")
    pairs = (
        Evaluation.objects.filter(
            interaction_id__in=interaction_ids, stratum__in=[Stratum.RANDOM, Stratum.DOUBLE_SCORE]
        )
        .exclude(status=EvaluationStatus.ASSIGNED)
        .prefetch_related("answers__item")
    )
    return agreement(list(pairs))


def _random_reviews(start: date, end: date) -> QuerySet[Evaluation]:
    # Agent scores come from the random stratum only (risk reviews feed coaching).
    return Evaluation.objects.filter(
        stratum=Stratum.RANDOM,
        status__in=SCORED,
        interaction__started_at__date__gte=start,
        interaction__started_at__date__lte=end,
    )


def scorecards(*, start: date, end: date, by: str = "agent") -> list[dict[str, Any]]:
    """Per agent or department: mean score, pass rate with a Wilson 95% interval and an
    empirical-Bayes estimate, critical fails apart, satisfaction and broken promises."""
    field = {
        "agent": "interaction__agent__username",
        "department": "interaction__agent__departments__slug",
    }[by]
    rows = list(
        _random_reviews(start, end)
        .values(field)
        .annotate(
            reviews=Count("pk", distinct=True),
            passes=Count("pk", filter=Q(passed=True), distinct=True),
            mean_score=Avg("score"),
        )
    )
    critical = dict(
        Evaluation.objects.filter(
            critical_fail=True,
            status__in=SCORED,
            interaction__started_at__date__gte=start,
            interaction__started_at__date__lte=end,
        )
        .values(field)
        .annotate(n=Count("pk", distinct=True))
        .values_list(field, "n")
    )
    shrunk = statistics.shrink_rates({r[field]: (r["passes"], r["reviews"]) for r in rows})
    satisfaction = _satisfaction(start, end, by)
    broken = _broken_promises(start, end, by)
    cards = []
    for r in rows:
        key = r[field]
        interval = statistics.wilson_interval(r["passes"], r["reviews"])
        cards.append(
            {
                by: key,
                "reviews": r["reviews"],
                "mean_score": round(r["mean_score"], 1) if r["mean_score"] is not None else None,
                "pass_rate": interval.estimate if interval else None,
                "pass_rate_low": round(interval.low, 3) if interval else None,
                "pass_rate_high": round(interval.high, 3) if interval else None,
                "pass_rate_shrunk": round(shrunk[key].shrunk, 3),
                "critical_fails": critical.get(key, 0),
                "satisfaction": satisfaction.get(key),
                "broken_promises": broken.get(key, 0),
            }
        )
    return sorted(cards, key=lambda c: (-c["pass_rate_shrunk"], str(c[by])))


def scorecards_visible_to(user: User, *, start: date, end: date, by: str) -> list[dict[str, Any]]:
    """QA admins see every card; supervisors their team's agents and their departments;
    everyone else only their own agent card."""
    cards = scorecards(start=start, end=end, by=by)
    if policies.is_qa_admin(user):
        return cards
    if user.role == Role.SUPERVISOR:
        allowed = set(
            User.objects.filter(departments__in=user.departments.all()).values_list(
                "username", flat=True
            )
            if by == "agent"
            else user.departments.values_list("slug", flat=True)
        )
        return [c for c in cards if c[by] in allowed]
    return [c for c in cards if by == "agent" and c["agent"] == user.username]


def _satisfaction(start: date, end: date, by: str) -> dict[str, float]:
    """Mean survey satisfaction on the requests each agent (or department) handled."""
    field = "agent__username" if by == "agent" else "agent__departments__slug"
    handled = Interaction.objects.filter(
        kind__in=[InteractionKind.PHONE_CALL, InteractionKind.PUBLIC_NOTE],
        agent__isnull=False,
        started_at__date__gte=start,
        started_at__date__lte=end,
    ).values_list(field, "requests")
    by_request: dict[int, set[str]] = defaultdict(set)
    for key, request_id in handled:
        if request_id is not None and key is not None:
            by_request[request_id].add(key)
    answers = Interaction.objects.filter(
        kind=InteractionKind.SURVEY_ANSWER, requests__in=list(by_request)
    ).values_list("requests", "satisfaction")
    scores: dict[str, list[int]] = defaultdict(list)
    for request_id, value in answers:
        for key in by_request[request_id]:
            if value is not None:
                scores[key].append(value)
    return {k: round(sum(v) / len(v), 2) for k, v in scores.items()}


def _broken_promises(start: date, end: date, by: str) -> dict[str, int]:
    field = "owner__username" if by == "agent" else "owner__departments__slug"
    return dict(
        Commitment.objects.filter(
            status=CommitmentStatus.BROKEN, due_at__date__gte=start, due_at__date__lte=end
        )
        .values(field)
        .annotate(n=Count("pk"))
        .values_list(field, "n")
    )


def pass_rate_trend(*, start: date, end: date) -> list[dict[str, Any]]:
    """Monthly pass rate of the random stratum with three-sigma p-chart limits."""
    monthly = list(
        _random_reviews(start, end)
        .annotate(month=TruncMonth("interaction__started_at"))
        .values("month")
        .annotate(reviews=Count("pk"), passes=Count("pk", filter=Q(passed=True)))
        .order_by("month")
    )
    total = sum(m["reviews"] for m in monthly)
    passes = sum(m["passes"] for m in monthly)
    trend = []
    for m in monthly:
        limits = statistics.p_chart_limits(passes, total, m["reviews"])
        rate = m["passes"] / m["reviews"]
        trend.append(
            {
                "month": m["month"].date().isoformat(),
                "reviews": m["reviews"],
                "pass_rate": round(rate, 3),
                "centre": round(limits.centre, 3),
                "lower": round(limits.lower, 3),
                "upper": round(limits.upper, 3),
                "out_of_control": not limits.lower <= rate <= limits.upper,
            }
        )
    return trend


def pattern_report(*, start: date, end: date, by: str = "service") -> list[dict[str, Any]]:
    """C12: which standards fail most, by service, department or month (all strata)."""
    field = {
        "service": "evaluation__interaction__service__code",
        "department": "evaluation__interaction__department__slug",
        "month": "month",
    }[by]
    answers = (
        EvaluationAnswer.objects.filter(
            evaluation__status__in=SCORED,
            evaluation__interaction__started_at__date__gte=start,
            evaluation__interaction__started_at__date__lte=end,
        )
        .exclude(value=NOT_APPLICABLE)
        .exclude(evaluation__stratum=Stratum.CALIBRATION)
    )
    if by == "month":
        answers = answers.annotate(month=TruncMonth("evaluation__interaction__started_at"))
    rows = answers.values(field, "item__c_id").annotate(
        rated=Count("pk"), failed=Count("pk", filter=Q(value__in=FAILING))
    )
    report = [
        {
            by: (r[field].date().isoformat() if by == "month" and r[field] else r[field]),
            "c_id": r["item__c_id"],
            "rated": r["rated"],
            "failed": r["failed"],
            "fail_rate": round(r["failed"] / r["rated"], 3),
        }
        for r in rows
    ]
    return sorted(report, key=lambda r: (-r["failed"], r["c_id"]))


# --- For the workspace pages (frontend/qa) ----------------------------------------------------


def drawn_by_period(period_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """{period id: {stratum: evaluations drawn}}: what each week's draw produced."""
    drawn: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Evaluation.objects.filter(period_id__in=period_ids)
        .values("period_id", "stratum")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        drawn[row["period_id"]][row["stratum"]] = row["n"]
    return drawn


def calibration_sessions_visible_to(user: User) -> QuerySet[CalibrationSession]:
    """QA admins see every session; everyone else the ones they take part in."""
    sessions = CalibrationSession.objects.order_by("-created_at", "pk")
    return sessions if policies.is_qa_admin(user) else sessions.filter(participants=user)


def calibration_agreement_visible(session: CalibrationSession, user: User) -> bool:
    """Blind until everyone has submitted (QA admins watch it fill in)."""
    return calibration_is_complete(session) or policies.is_qa_admin(user)
