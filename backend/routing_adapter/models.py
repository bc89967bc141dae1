"""The city's routing rules and learned routing model, stored so admins can see and edit them."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from routing.rules import MANUAL_PRIORITY, Rule


class RuleScope(models.TextChoices):
    OWNER = "owner", "Owner (department)"
    UNIT = "unit", "Unit inside the department"


class RuleSource(models.TextChoices):
    MANUAL = "manual", "Written by a person"
    LEARNED = "learned", "Learned from history and transfers"


class RoutingRule(models.Model):
    """One rule of the routing engine; see routing/rules.py for how rules are matched."""

    rule_id = models.CharField(max_length=300, unique=True)
    scope = models.CharField(max_length=8, choices=RuleScope.choices, default=RuleScope.OWNER)
    conditions = models.JSONField(
        default=dict,
        blank=True,
        help_text='Feature → value, e.g. {"service": "pothole", "area:state-highway": '
        '"state highway 30 corridor"}. Unit rules also need "department".',
    )
    department = models.CharField(max_length=64, blank=True, help_text="Department slug.")
    unit = models.CharField(max_length=64, blank=True, help_text="Work unit slug.")
    priority = models.IntegerField(default=MANUAL_PRIORITY)
    source = models.CharField(max_length=8, choices=RuleSource.choices, default=RuleSource.MANUAL)
    family = models.CharField(max_length=120, blank=True)
    outcomes = models.JSONField(
        default=dict,
        blank=True,
        help_text="Department or unit → weight as of the last outcome (decays with the "
        "half-life; a transfer weighs more than a closure).",
    )
    min_support = models.FloatField(default=1)
    min_purity = models.FloatField(default=0.0)
    half_life_days = models.FloatField(default=0.0, help_text="0: outcomes never fade.")
    last_outcome_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="Why this rule exists, in plain words.")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["scope", "-priority", "rule_id"]
        indexes = [models.Index(fields=["source", "family"])]

    def __str__(self) -> str:
        return self.rule_id

    def as_rule_dict(self) -> dict[str, Any]:
        return {
            "id": self.rule_id,
            "scope": self.scope,
            "when": self.conditions,
            "department": self.department,
            "unit": self.unit,
            "priority": self.priority,
            "source": self.source,
            "family": self.family,
            "outcomes": self.outcomes,
            "min_support": self.min_support,
            "min_purity": self.min_purity,
            "half_life_days": self.half_life_days,
            "last_outcome_at": self.last_outcome_at.isoformat() if self.last_outcome_at else None,
            "note": self.note,
        }

    def as_rule(self) -> Rule:
        return Rule.from_dict(self.as_rule_dict())

    def clean(self) -> None:
        if not isinstance(self.conditions, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.conditions.items()
        ):
            raise ValidationError({"conditions": "Give an object of feature names to text values."})
        try:
            self.as_rule()
        except (ValueError, TypeError) as exc:
            raise ValidationError(str(exc)) from exc


class RoutingModel(models.Model):
    """The learned part of routing that is not a rule: families, grid sizes, the classifier."""

    name = models.SlugField(max_length=40, unique=True, default="active")
    families = models.JSONField(default=list, blank=True)
    cell_sizes = models.JSONField(default=list, blank=True)
    classifier = models.JSONField(null=True, blank=True)
    text_model = models.JSONField(
        null=True,
        blank=True,
        help_text="The words of subtypes and details as owner and unit features (learned).",
    )
    metadata = models.JSONField(default=dict, blank=True)
    adopt_after = models.PositiveIntegerField(
        default=3,
        help_text="Adopt a proposed new owner as a rule after this many consistent outcomes "
        "(transfers first); 0 only proposes, for a person to decide.",
    )
    proposals = models.JSONField(
        default=list,
        blank=True,
        help_text="New owners proposed by transfers, with their evidence.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name
