from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from api import views

router = DefaultRouter()
router.register("requests", views.ServiceRequestViewSet, basename="request")
router.register("services", views.ServiceViewSet, basename="service")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("areas", views.AreaViewSet, basename="area")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("routing/misroutes/", views.MisroutesView.as_view(), name="routing-misroutes"),
    path("", include(router.urls)),
]
