"""QA: rubrics as versioned data, auditable sampling periods, evaluations, calibration."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class Scale(models.TextChoices):
    YES_NO = "yes_no", "Yes / no"
    MET_PARTLY = "met_partly", "Met / partly / not met"


# Points each answer earns; "na" leaves the item out of the denominator.
POINTS = {"yes": 1.0, "no": 0.0, "met": 1.0, "partly": 0.5, "not_met": 0.0}
SCALE_VALUES = {Scale.YES_NO: ("yes", "no"), Scale.MET_PARTLY: ("met", "partly", "not_met")}
NOT_APPLICABLE = "na"


class Rubric(models.Model):
    """A version of the scoring rubric. Items never change once published: a change is a new
    version, used by evaluations created after it."""

    version = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    pass_mark = models.PositiveSmallIntegerField(default=80)
    is_active = models.BooleanField(default=False)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class RubricItem(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="items")
    code = models.SlugField(max_length=40)
    c_id = models.CharField(max_length=4)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    scale = models.CharField(max_length=12, choices=Scale.choices)
    weight = models.PositiveSmallIntegerField(help_text="Non-critical weights sum to 100.")
    critical = models.BooleanField(
        default=False, help_text="Failing it fails the whole evaluation, whatever the score."
    )
    allows_na = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rubric", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="rubric_item_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.c_id} {self.title}"


class SamplingPeriod(models.Model):
    """One week's draw. The key's SHA-256 is published when the period opens; the key itself
    is revealed once the sample is drawn, so anyone can re-derive the sample."""

    starts_on = models.DateField()
    ends_on = models.DateField()
    commitment = models.CharField(max_length=64)
    key = models.CharField(max_length=64, help_text="Secret until revealed_at.")
    drawn_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["starts_on"], name="sampling_period_start_unique")
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} to {self.ends_on}"

    @property
    def revealed_key(self) -> str | None:
        return self.key if self.revealed_at else None


class Stratum(models.TextChoices):
    RANDOM = "random", "Random"
    C5_FLAG = "c5_flag", "C5 flag (all)"
    COMPLAINT = "complaint", "Courtesy complaint or 'not courteous' (all)"
    LOW_SATISFACTION = "low_satisfaction", "Satisfaction 6 or less (half)"
    C4_FLAG = "c4_flag", "C4 flag (a quarter)"
    TRANSFER_OR_BROKEN = "transfer_or_broken", "Transfer or broken promise (a fifth)"
    DOUBLE_SCORE = "double_score", "Second blind score of a random review"
    CALIBRATION = "calibration", "Calibration session"


class EvaluationStatus(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    SUBMITTED = "submitted", "Submitted, awaiting the agent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DISPUTED = "disputed", "Disputed"
    ARBITRATED = "arbitrated", "Arbitrated"


class CalibrationSession(models.Model):
    title = models.CharField(max_length=200)
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    interactions = models.ManyToManyField("interactions.Interaction", related_name="+")
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class CalibrationConsensus(models.Model):
    session = models.ForeignKey(
        CalibrationSession, on_delete=models.CASCADE, related_name="consensus"
    )
    interaction = models.ForeignKey(
        "interactions.Interaction", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(RubricItem, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=10)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "interaction", "item"], name="consensus_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.value}"


class Evaluation(models.Model):
    interaction = models.ForeignKey(
        "interactions.Interaction", on_delete=models.PROTECT, related_name="evaluations"
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="evaluations")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_assigned"
    )
    stratum = models.CharField(max_length=20, choices=Stratum.choices)
    period = models.ForeignKey(
        SamplingPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        CalibrationSession,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    status = models.CharField(
        max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.ASSIGNED
    )
    score = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    critical_fail = models.BooleanField(default=False)
    assigned_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reviewer should have submitted it."
    )
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateTimeField(null=True, blank=True)
    agent_response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    arbitrated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    arbitration_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "reviewer", "stratum"], name="evaluation_once_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stratum_display()} review of {self.interaction_id}"


class EvaluationAnswer(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(RubricItem, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=10)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "item"], name="answer_once_per_item")
        ]

    def __str__(self) -> str:
        return self.value


class CoachingNote(models.Model):
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.PROTECT, related_name="coaching_notes"
    )
    c_ids = ArrayField(models.CharField(max_length=4))
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Coaching on {', '.join(self.c_ids)}"
