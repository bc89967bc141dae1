from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api import audit, calls, catalogue, qa, qa_reports, queues, supervision, views
from api.tokens import ObtainTokenView

router = DefaultRouter()
router.register("requests", views.ServiceRequestViewSet, basename="request")
router.register("services", catalogue.ServiceViewSet, basename="service")
router.register("departments", catalogue.DepartmentViewSet, basename="department")
router.register("areas", catalogue.AreaViewSet, basename="area")
router.register("calls", calls.CallViewSet, basename="call")
router.register("commitments", calls.CommitmentViewSet, basename="commitment")
router.register("qa/evaluations", qa.EvaluationViewSet, basename="evaluation")
router.register("qa/calibration", qa.CalibrationViewSet, basename="calibration")
router.register("qa/periods", qa.PeriodViewSet, basename="sampling-period")
router.register("recovery-tasks", supervision.RecoveryTaskViewSet, basename="recovery-task")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("routing/misroutes/", supervision.MisroutesView.as_view(), name="routing-misroutes"),
    path(
        "routing/proposals/", supervision.RoutingProposalsView.as_view(), name="routing-proposals"
    ),
    path("queues/<slug:department>/", queues.QueueView.as_view(), name="queue"),
    path("queues/<slug:department>/claim-next/", queues.ClaimNextView.as_view(), name="claim-next"),
    path("requests/bulk-status/", queues.BulkStatusView.as_view(), name="bulk-status"),
    path(
        "notifications/failures/",
        supervision.DeliveryFailuresView.as_view(),
        name="delivery-failures",
    ),
    path("reports/performance/", supervision.PerformanceReportView.as_view(), name="performance"),
    path("qa/scorecards/", qa_reports.ScorecardView.as_view(), name="qa-scorecards"),
    path("qa/patterns/", qa_reports.PatternView.as_view(), name="qa-patterns"),
    path("qa/rubric/", qa_reports.RubricView.as_view(), name="qa-rubric"),
    path("qa/screen/", qa_reports.ScreenView.as_view(), name="qa-screen"),
    path("qa/workload/", qa_reports.WorkloadView.as_view(), name="qa-workload"),
    path("qa/sample-size/", qa_reports.SampleSizeView.as_view(), name="qa-sample-size"),
    path(
        "reports/performance.csv",
        supervision.PerformanceReportCsvView.as_view(),
        name="performance-csv",
    ),
    path("audit/requests/<str:id>/", audit.RequestAuditView.as_view(), name="audit-request"),
    path("audit/users/<str:username>/", audit.UserAuditView.as_view(), name="audit-user"),
    path("callers/", audit.CallerLookupView.as_view(), name="caller-lookup"),
    path("", include(router.urls)),
]
