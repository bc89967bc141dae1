from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from api import calls, qa, qa_reports, views

router = DefaultRouter()
router.register("requests", views.ServiceRequestViewSet, basename="request")
router.register("services", views.ServiceViewSet, basename="service")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("areas", views.AreaViewSet, basename="area")
router.register("calls", calls.CallViewSet, basename="call")
router.register("commitments", calls.CommitmentViewSet, basename="commitment")
router.register("qa/evaluations", qa.EvaluationViewSet, basename="evaluation")
router.register("qa/calibration", qa.CalibrationViewSet, basename="calibration")
router.register("qa/periods", qa.PeriodViewSet, basename="sampling-period")
router.register("recovery-tasks", views.RecoveryTaskViewSet, basename="recovery-task")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("routing/misroutes/", views.MisroutesView.as_view(), name="routing-misroutes"),
    path("queues/<slug:department>/", views.QueueView.as_view(), name="queue"),
    path("queues/<slug:department>/claim-next/", views.ClaimNextView.as_view(), name="claim-next"),
    path("requests/bulk-status/", views.BulkStatusView.as_view(), name="bulk-status"),
    path("notifications/failures/", views.DeliveryFailuresView.as_view(), name="delivery-failures"),
    path("reports/performance/", views.PerformanceReportView.as_view(), name="performance"),
    path("qa/scorecards/", qa_reports.ScorecardView.as_view(), name="qa-scorecards"),
    path("qa/patterns/", qa_reports.PatternView.as_view(), name="qa-patterns"),
    path("qa/rubric/", qa_reports.RubricView.as_view(), name="qa-rubric"),
    path("qa/screen/", qa_reports.ScreenView.as_view(), name="qa-screen"),
    path("qa/workload/", qa_reports.WorkloadView.as_view(), name="qa-workload"),
    path("qa/sample-size/", qa_reports.SampleSizeView.as_view(), name="qa-sample-size"),
    path("", include(router.urls)),
]
