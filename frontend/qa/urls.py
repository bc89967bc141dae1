from django.urls import path

from frontend.qa import calibration, reports, reviews, views

app_name = "qa"
urlpatterns = [
    path("", views.home, name="home"),
    path("reviews/", reviews.queue, name="queue"),
    path("mine/", reviews.mine, name="mine"),
    path("disputes/", reviews.disputes, name="disputes"),
    path("evaluations/<int:pk>/", reviews.evaluation, name="evaluation"),
    path("evaluations/<int:pk>/draft/", reviews.draft, name="draft"),
    path("evaluations/<int:pk>/submit/", reviews.submit, name="submit"),
    path("evaluations/<int:pk>/respond/", reviews.respond, name="respond"),
    path("evaluations/<int:pk>/arbitrate/", reviews.arbitrate, name="arbitrate"),
    path("evaluations/<int:pk>/coaching/", reviews.coach, name="coach"),
    path("calibration/", calibration.sessions, name="calibrations"),
    path("calibration/new/", calibration.create, name="calibration_new"),
    path("calibration/<int:pk>/", calibration.session, name="calibration"),
    path("calibration/<int:pk>/agreement/", calibration.agreement, name="agreement"),
    path("calibration/<int:pk>/consensus/", calibration.consensus, name="consensus"),
    path("scorecards/", reports.scorecards, name="scorecards"),
    path("patterns/", reports.patterns, name="patterns"),
    path("sampling/", reports.periods, name="periods"),
    path("sampling/<int:pk>/", reports.period, name="period"),
    path("workload/", reports.workload, name="workload"),
    path("rubric/", reports.rubric, name="rubric"),
]
