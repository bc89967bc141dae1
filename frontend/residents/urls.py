from django.urls import path

from frontend.residents import about, geo, mine, nearby, pwa, report, requests, views

urlpatterns = [
    path("", views.home, name="home"),
    path("survey/<str:token>/", views.survey, name="survey"),
    path("report/", report.choose, name="report"),
    path("report/sent/<str:reference>/", requests.sent, name="report-sent"),
    path("report/<slug:code>/", report.report, name="report-service"),
    path("report/<slug:code>/nearby/", nearby.nearby_partial, name="report-nearby"),
    path("requests/", requests.recent, name="requests"),
    path("requests/map.geojson", requests.recent_geojson, name="requests-geojson"),
    path("requests/lookup/", requests.lookup, name="request-lookup"),
    path("requests/<str:reference>/", requests.status, name="request-status"),
    path("requests/<str:reference>/follow/", requests.follow, name="request-follow"),
    path("my-requests/", mine.my_requests, name="my-requests"),
    path("my-requests/sign-in/<str:token>/", mine.sign_in, name="my-requests-sign-in"),
    path("my-requests/sign-out/", mine.sign_out, name="my-requests-sign-out"),
    path("my-requests/follow/<str:reference>/", mine.follow, name="my-requests-follow"),
    path("my-requests/unfollow/<str:reference>/", mine.unfollow, name="my-requests-unfollow"),
    path("photos/<str:key>-thumb.jpg", requests.photo, {"size": "thumb"}, name="photo-thumb"),
    path("photos/<str:key>.jpg", requests.photo, name="photo"),
    path("addresses/", geo.address_suggestions, name="address-suggestions"),
    path("addresses/nearest/", geo.address_reverse, name="address-nearest"),
    path("map/city.geojson", geo.city_layers, name="map-city"),
    path("map/addresses.geojson", geo.address_layer, name="map-addresses"),
    path("map/streets.geojson", geo.street_layer, name="map-streets"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("offline/", pwa.offline, name="offline"),
    path("privacy/", about.privacy, name="privacy"),
    path("accessibility/", about.accessibility, name="accessibility"),
]
