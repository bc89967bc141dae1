"""QA use cases: rubric versions, weekly auditable sampling, reviews and disputes, coaching,
calibration sessions. One function per use case, each in one transaction.

By use case: `rubrics` (versions, the default, the active one), `sampling` (the week's key,
its sample and the reviews it assigns), `reviews` (drafts, submission, scoring, disputes,
arbitration, coaching notes) and `calibration`. Import from here.
"""

from qa.services.calibration import (
    calibration_consensus_record,
    calibration_is_complete,
    calibration_session_create,
)
from qa.services.reviews import (
    REVIEW_DAYS,
    coaching_note_add,
    evaluation_acknowledge,
    evaluation_arbitrate,
    evaluation_dispute,
    evaluation_save_draft,
    evaluation_submit,
    score_answers,
)
from qa.services.rubrics import (
    DEFAULT_RUBRIC,
    active_rubric,
    rubric_install_default,
    rubric_publish,
)
from qa.services.sampling import (
    DOUBLE_SCORE_SHARE,
    LOW_SATISFACTION,
    REVIEWABLE_KINDS,
    RISK_SHARES,
    agent_monthly_quota,
    reviewable_interactions,
    sample_for_period,
    sampling_open_current_and_draw_past,
    sampling_period_draw,
    sampling_period_open,
    week_bounds,
    weekly_quota,
)

__all__ = [
    "DEFAULT_RUBRIC",
    "DOUBLE_SCORE_SHARE",
    "LOW_SATISFACTION",
    "REVIEWABLE_KINDS",
    "REVIEW_DAYS",
    "RISK_SHARES",
    "active_rubric",
    "agent_monthly_quota",
    "calibration_consensus_record",
    "calibration_is_complete",
    "calibration_session_create",
    "coaching_note_add",
    "evaluation_acknowledge",
    "evaluation_arbitrate",
    "evaluation_dispute",
    "evaluation_save_draft",
    "evaluation_submit",
    "reviewable_interactions",
    "rubric_install_default",
    "rubric_publish",
    "sample_for_period",
    "sampling_open_current_and_draw_past",
    "sampling_period_draw",
    "sampling_period_open",
    "score_answers",
    "week_bounds",
    "weekly_quota",
]
