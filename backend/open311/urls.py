from django.urls import re_path

from open311 import views

FORMAT = r"\.(?P<format>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.DiscoveryView.as_view(), name="open311-discovery"),
    re_path(r"^services" + FORMAT, views.ServiceListView.as_view(), name="open311-services"),
    re_path(
        r"^services/(?P<service_code>[\w-]+)" + FORMAT,
        views.ServiceDefinitionView.as_view(),
        name="open311-service",
    ),
    re_path(r"^requests" + FORMAT, views.RequestListView.as_view(), name="open311-requests"),
    re_path(
        r"^requests/(?P<service_request_id>[\w-]+)" + FORMAT,
        views.RequestDetailView.as_view(),
        name="open311-request",
    ),
    re_path(r"^tokens/(?P<token>[\w-]+)" + FORMAT, views.TokenView.as_view(), name="open311-token"),
    re_path(r"^.*?(?:\.(?P<format>xml|json))?$", views.NotFoundView.as_view()),
]
