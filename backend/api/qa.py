"""QA for staff: reviews and disputes, calibration (blind), periods, scorecards, patterns."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from api.permissions import IsStaffMember
from api.permissions import request_user as _user
from api.validation import validated
from interactions.models import Interaction
from qa import selectors, services, workspace
from qa.models import CalibrationSession, Evaluation, SamplingPeriod

MAX_LISTED = 500
# The workspace's own short lists (at most MAX_LISTED, soonest first) are neither paged nor
# filtered, and the schema must say so.
UNPAGED: dict[str, Any] = {"pagination_class": None, "filter_backends": []}


class NewestAssignedFirst(CursorPagination):
    # Evaluations have no created_at (the default pagination's key): they are assigned.
    ordering = ("-assigned_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class LatestWeekFirst(NewestAssignedFirst):
    ordering = ("-starts_on", "-id")


class AnswerSerializer(serializers.Serializer[dict[str, Any]]):
    value = serializers.CharField(max_length=10)
    comment = serializers.CharField(max_length=2000, allow_blank=True, default="")


class EvaluationSerializer(serializers.ModelSerializer[Evaluation]):
    agent = serializers.SerializerMethodField()
    reviewer: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    rubric = serializers.CharField(source="rubric.version", read_only=True)
    answers = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "interaction",
            "agent",
            "reviewer",
            "rubric",
            "stratum",
            "status",
            "score",
            "passed",
            "critical_fail",
            "assigned_at",
            "due_at",
            "draft_saved_at",
            "submitted_at",
            "respond_by",
            "agent_response",
            "arbitration_note",
            "answers",
        ]
        read_only_fields = fields

    def get_agent(self, obj: Evaluation) -> str | None:
        # Calibration is blind to the agent's name.
        if obj.stratum == "calibration" or obj.interaction.agent is None:
            return None
        return obj.interaction.agent.username

    def get_answers(self, obj: Evaluation) -> dict[str, dict[str, str]]:
        return {
            a.item.code: {"c_id": a.item.c_id, "value": a.value, "comment": a.comment}
            for a in obj.answers.all()
        }


class SubmitSerializer(serializers.Serializer[dict[str, Any]]):
    answers = serializers.DictField(child=AnswerSerializer())


class DraftAnswerSerializer(AnswerSerializer):
    value = serializers.CharField(max_length=10, allow_blank=True, default="")


class DraftSerializer(serializers.Serializer[dict[str, Any]]):
    answers = serializers.DictField(child=DraftAnswerSerializer())


class ResponseSerializer(serializers.Serializer[dict[str, Any]]):
    comment = serializers.CharField(max_length=2000, allow_blank=True, default="")


class ArbitrateSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(max_length=2000)
    answers = serializers.DictField(child=AnswerSerializer(), required=False, allow_null=True)


class CoachingSerializer(serializers.Serializer[dict[str, Any]]):
    c_ids = serializers.ListField(child=serializers.CharField(max_length=4), max_length=12)
    text = serializers.CharField(max_length=4000)


class EvaluationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Evaluation]
):
    """Evaluations: agents see and answer their own, reviewers their assignments,
    supervisors their teams', QA admins everything."""

    permission_classes = [IsStaffMember]
    serializer_class = EvaluationSerializer
    pagination_class = NewestAssignedFirst
    filterset_fields = ["status", "stratum"]

    def get_queryset(self) -> QuerySet[Evaluation]:
        if getattr(self, "swagger_fake_view", False):
            return Evaluation.objects.none()
        return (
            selectors.evaluations_visible_to(_user(self.request))
            .prefetch_related("answers__item")
            .order_by("-assigned_at", "-pk")
        )

    def _answer(self, evaluation: Evaluation) -> Response:
        return Response(EvaluationSerializer(self.get_queryset().get(pk=evaluation.pk)).data)

    def _listed(self, evaluations: QuerySet[Evaluation]) -> Response:
        shown = evaluations.prefetch_related("answers__item")[:MAX_LISTED]
        return Response(EvaluationSerializer(shown, many=True).data)

    @extend_schema(responses=EvaluationSerializer(many=True))
    @action(detail=False, methods=["get"], **UNPAGED)
    def assigned(self, request: Request) -> Response:
        """My reviews to do, the soonest due first."""
        return self._listed(workspace.evaluations_assigned_to(_user(request)))

    @extend_schema(responses=EvaluationSerializer(many=True))
    @action(detail=False, methods=["get"], **UNPAGED)
    def mine(self, request: Request) -> Response:
        """Agents: the reviews of my interactions, to acknowledge or dispute."""
        return self._listed(workspace.evaluations_of_agent(_user(request)))

    @extend_schema(responses=EvaluationSerializer(many=True))
    @action(detail=False, methods=["get"], **UNPAGED)
    def disputes(self, request: Request) -> Response:
        """Disputes I may arbitrate (never about my own interaction or review)."""
        return self._listed(workspace.disputes_to_arbitrate(_user(request)))

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def workspace(self, request: Request, pk: str) -> Response:
        """The interaction in full beside the rubric's items and the answers so far."""
        return Response(workspace.evaluation_workspace(self.get_object()))

    @extend_schema(request=DraftSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"], serializer_class=DraftSerializer)
    def draft(self, request: Request, pk: str) -> Response:
        body = validated(DraftSerializer, request.data)
        evaluation = services.evaluation_save_draft(
            evaluation=self.get_object(), reviewer=_user(request), answers=body["answers"]
        )
        return self._answer(evaluation)

    @extend_schema(request=SubmitSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"], serializer_class=SubmitSerializer)
    def submit(self, request: Request, pk: str) -> Response:
        body = validated(SubmitSerializer, request.data)
        evaluation = services.evaluation_submit(
            evaluation=self.get_object(),
            reviewer=_user(request),
            answers=body["answers"],
        )
        return self._answer(evaluation)

    @extend_schema(request=ResponseSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"], serializer_class=ResponseSerializer)
    def acknowledge(self, request: Request, pk: str) -> Response:
        body = validated(ResponseSerializer, request.data)
        evaluation = services.evaluation_acknowledge(
            evaluation=self.get_object(),
            agent=_user(request),
            comment=body["comment"],
        )
        return self._answer(evaluation)

    @extend_schema(request=ResponseSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"], serializer_class=ResponseSerializer)
    def dispute(self, request: Request, pk: str) -> Response:
        body = validated(ResponseSerializer, request.data)
        evaluation = services.evaluation_dispute(
            evaluation=self.get_object(),
            agent=_user(request),
            reason=body["comment"],
        )
        return self._answer(evaluation)

    @extend_schema(request=ArbitrateSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"], serializer_class=ArbitrateSerializer)
    def arbitrate(self, request: Request, pk: str) -> Response:
        body = validated(ArbitrateSerializer, request.data)
        evaluation = services.evaluation_arbitrate(
            evaluation=self.get_object(),
            arbiter=_user(request),
            note=body["note"],
            answers=body.get("answers"),
        )
        return self._answer(evaluation)

    @extend_schema(request=CoachingSerializer, responses={201: CoachingSerializer})
    @action(detail=True, methods=["post"], serializer_class=CoachingSerializer)
    def coaching(self, request: Request, pk: str) -> Response:
        body = validated(CoachingSerializer, request.data)
        evaluation = self.get_object()
        if evaluation.interaction.agent is None:
            raise PermissionDenied("This interaction has no agent to coach.")
        note = services.coaching_note_add(
            agent=evaluation.interaction.agent,
            author=_user(request),
            evaluation=evaluation,
            c_ids=body["c_ids"],
            text=body["text"],
        )
        return Response({"c_ids": note.c_ids, "text": note.text}, status=201)


class CalibrationCreateSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=200)
    interactions = serializers.PrimaryKeyRelatedField(many=True, queryset=Interaction.objects.all())
    participants = serializers.SlugRelatedField(
        many=True, slug_field="username", queryset=User.objects.filter(is_active=True)
    )


class ConsensusSerializer(serializers.Serializer[dict[str, Any]]):
    interaction = serializers.PrimaryKeyRelatedField(queryset=Interaction.objects.all())
    item = serializers.SlugField(max_length=40)
    value = serializers.CharField(max_length=10)
    note = serializers.CharField(max_length=2000, allow_blank=True, default="")


class CalibrationSerializer(serializers.ModelSerializer[CalibrationSession]):
    class Meta:
        model = CalibrationSession
        fields = ["id", "title", "created_at"]


class CalibrationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[CalibrationSession]
):
    """Blind calibration: nobody sees another's scores until everyone has submitted."""

    permission_classes = [IsStaffMember]
    serializer_class = CalibrationSerializer

    def get_queryset(self) -> QuerySet[CalibrationSession]:
        if getattr(self, "swagger_fake_view", False):
            return CalibrationSession.objects.none()
        return selectors.calibration_sessions_visible_to(_user(self.request))

    @extend_schema(request=CalibrationCreateSerializer, responses={201: CalibrationSerializer})
    def create(self, request: Request) -> Response:
        body = validated(CalibrationCreateSerializer, request.data)
        session = services.calibration_session_create(
            title=body["title"],
            created_by=_user(request),
            interactions=body["interactions"],
            participants=body["participants"],
        )
        return Response(CalibrationSerializer(session).data, status=201)

    @extend_schema(responses=EvaluationSerializer(many=True))
    @action(detail=True, methods=["get"], **UNPAGED)
    def scores(self, request: Request, pk: str) -> Response:
        visible = selectors.calibration_scores_visible(self.get_object(), _user(request))
        return Response(EvaluationSerializer(visible, many=True).data)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def agreement(self, request: Request, pk: str) -> Response:
        session = self.get_object()
        if not selectors.calibration_agreement_visible(session, _user(request)):
            raise PermissionDenied("Agreement is shown once everyone has submitted.")
        evaluations = list(session.evaluations.prefetch_related("answers__item"))
        return Response(selectors.agreement(evaluations))

    @extend_schema(request=ConsensusSerializer, responses={201: ConsensusSerializer})
    @action(detail=True, methods=["post"], serializer_class=ConsensusSerializer)
    def consensus(self, request: Request, pk: str) -> Response:
        body = ConsensusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.calibration_consensus_record(
            session=self.get_object(),
            actor=_user(request),
            interaction=body.validated_data["interaction"],
            item_code=body.validated_data["item"],
            value=body.validated_data["value"],
            note=body.validated_data["note"],
        )
        return Response(body.data, status=201)


class PeriodSerializer(serializers.ModelSerializer[SamplingPeriod]):
    key = serializers.CharField(source="revealed_key", read_only=True, allow_null=True)

    class Meta:
        model = SamplingPeriod
        fields = ["id", "starts_on", "ends_on", "commitment", "key", "drawn_at", "revealed_at"]


class PeriodViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[SamplingPeriod]
):
    """Published key hashes, and the keys once revealed: anyone on staff can re-check a
    sample (and no one can predict one)."""

    permission_classes = [IsStaffMember]
    serializer_class = PeriodSerializer
    pagination_class = LatestWeekFirst
    queryset = SamplingPeriod.objects.order_by("-starts_on")

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def sample(self, request: Request, pk: str) -> Response:
        """The draw, and whether the sample re-derived from the revealed key is the same."""
        return Response(workspace.period_sample(self.get_object()))
