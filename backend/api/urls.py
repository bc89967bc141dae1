from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from api import calls, views

router = DefaultRouter()
router.register("requests", views.ServiceRequestViewSet, basename="request")
router.register("services", views.ServiceViewSet, basename="service")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("areas", views.AreaViewSet, basename="area")
router.register("calls", calls.CallViewSet, basename="call")
router.register("commitments", calls.CommitmentViewSet, basename="commitment")
router.register("recovery-tasks", views.RecoveryTaskViewSet, basename="recovery-task")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("routing/misroutes/", views.MisroutesView.as_view(), name="routing-misroutes"),
    path("queues/<slug:department>/", views.QueueView.as_view(), name="queue"),
    path("queues/<slug:department>/claim-next/", views.ClaimNextView.as_view(), name="claim-next"),
    path("requests/bulk-status/", views.BulkStatusView.as_view(), name="bulk-status"),
    path("notifications/failures/", views.DeliveryFailuresView.as_view(), name="delivery-failures"),
    path("reports/performance/", views.PerformanceReportView.as_view(), name="performance"),
    path("", include(router.urls)),
]
