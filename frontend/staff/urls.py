from django.contrib.auth import views as auth_views
from django.urls import path

from frontend.staff import calls, queues, requests, second_factor, supervisors, views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    # The console (issue 15): calls, queues, requests, supervisors' pages.
    path("calls/", calls.desk, name="calls"),
    path("calls/start/", calls.start, name="call-start"),
    path("calls/<uuid:call_id>/", calls.call_page, name="call"),
    path("calls/<uuid:call_id>/caller/", calls.caller, name="call-caller"),
    path("calls/<uuid:call_id>/problem/", calls.problem, name="call-problem"),
    path("calls/<uuid:call_id>/duplicates/", calls.duplicates, name="call-duplicates"),
    path("calls/<uuid:call_id>/request/", calls.open_request, name="call-request"),
    path("calls/<uuid:call_id>/follow/<str:public_id>/", calls.follow, name="call-follow"),
    path("calls/<uuid:call_id>/message/", calls.message, name="call-message"),
    path("calls/<uuid:call_id>/end/", calls.end, name="call-end"),
    path("courtesy-hints/", calls.courtesy_hints, name="courtesy-hints"),
    path("queues/<slug:department>/", queues.queue, name="queue"),
    path("queues/<slug:department>/claim-next/", queues.claim_next, name="claim-next"),
    path("queues/<slug:department>/bulk-status/", queues.bulk_status, name="bulk-status"),
    path("requests/<str:public_id>/", requests.request_page, name="request"),
    path("requests/<str:public_id>/<slug:action>/", requests.act, name="request-act"),
    path(
        "requests/<str:public_id>/forms/<slug:action>/",
        requests.action_form,
        name="request-form",
    ),
    path("supervise/", supervisors.attention, name="supervise"),
    path("supervise/performance/", supervisors.performance, name="performance"),
    path("supervise/performance.csv", supervisors.performance_csv, name="performance-csv"),
    path("supervise/misroutes/", supervisors.misroutes, name="misroutes"),
    path("supervise/delivery-failures/", supervisors.delivery_failures, name="failures"),
    path("audit/requests/<str:public_id>/", supervisors.request_audit, name="audit-request"),
    path("audit/users/<str:username>/", supervisors.user_audit, name="audit-user"),
    path("second-factor/", second_factor.verify, name="second-factor"),
    path("second-factor/set-up/", second_factor.set_up, name="second-factor-set-up"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="staff/registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="staff/registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
